using System.Management.Automation;
using DicomTools.Dicom;

namespace DicomTools.Commands;

/// <summary>
/// The one place that decides how a failure met while working on a file is reported, for every cmdlet, serial or
/// parallel:
/// <list type="bullet">
/// <item>Our own problems (<see cref="DicomToolsException"/>) carry their stable id and kind.</item>
/// <item>File-system failures get the usual ids (FileAccessDenied, PathNotFound, FileError).</item>
/// <item>Anything else is a bug in DicomTools: UnexpectedError, category NotSpecified, the whole exception kept in the
/// ErrorRecord ($Error[0].Exception.StackTrace shows where).</item>
/// </list>
/// Each is a non-terminating error for that file or frame, and the next file is processed: a run over 10 000 files
/// is not lost to one file that trips a bug. Only PowerShell's own pipeline control (Ctrl+C, -ErrorAction Stop) is
/// let through.
/// </summary>
internal static class ErrorPolicy
{
    public const string UnexpectedErrorId = "UnexpectedError";

    /// <summary>True for every exception a cmdlet reports per file before going on; false for pipeline control.</summary>
    public static bool IsPerFile(Exception e) => e is not (PipelineStoppedException or ActionPreferenceStopException);

    /// <summary>The stable error id and category <paramref name="e"/> is reported with.</summary>
    public static (string Id, ErrorCategory Category) Classify(Exception e) => e switch
    {
        DicomToolsException ours => (ours.ErrorId, CategoryOf(ours.Kind)),
        UnauthorizedAccessException => ("FileAccessDenied", ErrorCategory.PermissionDenied),
        FileNotFoundException or DirectoryNotFoundException => ("PathNotFound", ErrorCategory.ObjectNotFound),
        IOException => ("FileError", ErrorCategory.ReadError),
        OperationCanceledException => ("Cancelled", ErrorCategory.OperationStopped),
        _ => (UnexpectedErrorId, ErrorCategory.NotSpecified),
    };

    public static bool IsUnexpected(Exception e) => Classify(e).Id == UnexpectedErrorId;

    private static ErrorCategory CategoryOf(DicomErrorKind kind) => kind switch
    {
        DicomErrorKind.InvalidData => ErrorCategory.InvalidData,
        DicomErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
        DicomErrorKind.ResourceExists => ErrorCategory.ResourceExists,
        DicomErrorKind.NotSupported => ErrorCategory.InvalidOperation,
        _ => ErrorCategory.NotSpecified,
    };
}
