using System.Management.Automation;
using DicomTools.Dicom;
using DicomTools.Imaging.Presentation;

namespace DicomTools.Commands;

/// <summary>Reads the -PresentationState argument (a path or a Get-DicomInfo object) once, before any frame: a state
/// that cannot be read stops the command (it would fail every frame).</summary>
internal static class PresentationStateLoader
{
    public static GrayscalePresentationState? Load(PSCmdlet cmdlet, object? argument)
    {
        if (argument is null) return null;
        var value = argument is PSObject wrapped ? wrapped.BaseObject : argument;
        string path;
        if (value is DicomInfo info) path = info.Path;
        else if (value is FileInfo file) path = file.FullName;
        else if (value is string text)
        {
            try
            {
                path = cmdlet.SessionState.Path.GetResolvedProviderPathFromPSPath(text, out var provider).SingleOrDefault()
                    ?? throw new ItemNotFoundException($"-PresentationState '{text}' names no file");
                if (!string.Equals(provider.Name, "FileSystem", StringComparison.OrdinalIgnoreCase))
                    throw new ArgumentException($"-PresentationState '{text}' is on the {provider.Name} provider, not the file system");
            }
            catch (Exception e) when (e is ItemNotFoundException or ArgumentException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException)
            {
                Fail(cmdlet, e.Message, text);
                return null;
            }
        }
        else
        {
            Fail(cmdlet, $"-PresentationState takes a path or a Get-DicomInfo object, not {value.GetType().Name}", value);
            return null;
        }
        try
        {
            return GrayscalePresentationState.Read(DicomFile.Open(path, DicomReadOptions.Full));
        }
        catch (Exception e) when (e is DicomToolsException or IOException or UnauthorizedAccessException)
        {
            Fail(cmdlet, $"-PresentationState {path}: {e.Message}", path);
            return null;
        }
    }

    private static void Fail(PSCmdlet cmdlet, string message, object target) =>
        cmdlet.ThrowTerminatingError(new ErrorRecord(new ArgumentException(message), "PresentationStateError", ErrorCategory.InvalidArgument, target));
}
