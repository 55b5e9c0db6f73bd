using System.Management.Automation;
using DicomTools.Dicom;
using DicomTools.Commands;

namespace DicomTools;

/// <summary>
/// What every DicomTools cmdlet shares: file paths resolved through the FileSystem provider, and per-file errors
/// and warnings that name the file and never stop the pipeline.
/// </summary>
public abstract class DicomCmdlet : PSCmdlet
{
    protected const string PathSet = "Path";
    protected const string LiteralPathSet = "LiteralPath";

    /// <summary>
    /// File-system paths for <paramref name="inputs"/> (wildcards expanded unless <paramref name="literal"/>). Paths
    /// that do not exist, are directories or live on another provider are reported as errors and skipped.
    /// </summary>
    protected IEnumerable<string> ResolveFilePaths(IEnumerable<string> inputs, bool literal)
    {
        foreach (var input in inputs)
        {
            foreach (var (resolved, listedKind) in Resolve(input, literal))
            {
                // A file met in a folder listing is a file: no second look. Anything else costs one stat: whether it
                // exists and whether it is a folder.
                if (listedKind == ListedKind.File)
                {
                    yield return resolved;
                    continue;
                }
                FileAttributes attributes;
                try
                {
                    attributes = listedKind == ListedKind.Folder ? FileAttributes.Directory : File.GetAttributes(resolved);
                }
                catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
                {
                    WriteInputError(new ErrorRecord(new ItemNotFoundException($"Cannot find path '{resolved}' because it does not exist."),
                        "PathNotFound", ErrorCategory.ObjectNotFound, resolved));
                    continue;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    FlushPendingOutput();
                    ReportError(resolved, e);
                    continue;
                }
                if ((attributes & FileAttributes.Directory) != 0)
                {
                    // Folders streaming in from Get-ChildItem -Recurse are not mistakes: skip them quietly.
                    if (MyInvocation.ExpectingInput)
                    {
                        WriteVerbose($"Skipping folder '{resolved}'.");
                        continue;
                    }
                    WriteInputError(new ErrorRecord(
                        new IOException($"'{resolved}' is a directory; pass files, e.g. Get-ChildItem -Recurse -File | {MyInvocation.MyCommand.Name}"),
                        "PathIsDirectory", ErrorCategory.InvalidArgument, resolved));
                    continue;
                }
                yield return resolved;
            }
        }
    }

    /// <summary>What a folder listing already said about a path, sparing a stat.</summary>
    private enum ListedKind
    {
        Unknown,
        File,
        Folder,
    }

    /// <summary>Provider paths for one input; errors for other providers and unmatched paths are written here.</summary>
    private IReadOnlyList<(string Path, ListedKind Kind)> Resolve(string input, bool literal)
    {
        // Plain file-system paths, absolute (what Get-ChildItem's PSPath and scripts mostly pass) or relative to a
        // file-system location, need no provider lookup, which costs more than reading a DICOM header (a relative
        // path through the provider cost ten times a header read); everything else goes through the session's
        // providers. A -Path without wildcards may still hold escapes (`[): they are removed, as the provider would.
        if ((literal || !WildcardPattern.ContainsWildcardCharacters(input))
            && TryPlainFileSystemPath(literal ? input : WildcardPattern.Unescape(input), out var direct))
            return new[] { (direct, ListedKind.Unknown) };
        // Wildcards on the file system are expanded from the listing; the provider still answers the unusual cases.
        if (!literal && FileSystemWildcard.TryExpand(input, CurrentFileSystemDirectory(), out var expanded))
            return expanded.ConvertAll(entry => (entry.Path, entry.IsFolder ? ListedKind.Folder : ListedKind.File));
        try
        {
            if (literal)
            {
                var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(input, out var provider, out _);
                if (IsFileSystem(provider)) return new[] { (path, ListedKind.Unknown) };
                WriteNotFileSystem(input, provider);
                return Array.Empty<(string, ListedKind)>();
            }

            var paths = SessionState.Path.GetResolvedProviderPathFromPSPath(input, out var wildcardProvider);
            if (!IsFileSystem(wildcardProvider))
            {
                WriteNotFileSystem(input, wildcardProvider);
                return Array.Empty<(string, ListedKind)>();
            }
            if (paths.Count == 0 && WildcardPattern.ContainsWildcardCharacters(input))
                WriteVerbose($"No files match '{input}'.");
            return paths.Select(path => (path, ListedKind.Unknown)).ToList();
        }
        catch (ItemNotFoundException e)
        {
            WriteInputError(new ErrorRecord(e, "PathNotFound", ErrorCategory.ObjectNotFound, input));
        }
        catch (System.Management.Automation.DriveNotFoundException e)
        {
            WriteInputError(new ErrorRecord(e, "PathNotFound", ErrorCategory.ObjectNotFound, input));
        }
        catch (ProviderNotFoundException e)
        {
            WriteInputError(new ErrorRecord(e, "NotFileSystemPath", ErrorCategory.InvalidArgument, input));
        }
        return Array.Empty<(string, ListedKind)>();
    }

    /// <summary>The current location as a file-system path; null when it is on another provider.</summary>
    private string? CurrentFileSystemDirectory()
    {
        var location = SessionState.Path.CurrentLocation;
        if (!IsFileSystem(location.Provider)) return null;
        // PathInfo works ProviderPath out through the drive on every read, which cost more than the header read for a
        // relative path piped in; the location seldom changes within a pipeline, so the answer is kept per location.
        var key = (location.Path, location.Drive?.Root);
        if (key != _lastLocation)
        {
            _lastLocation = key;
            _lastLocationProviderPath = location.ProviderPath;
        }
        return _lastLocationProviderPath;
    }

    private (string Path, string? DriveRoot) _lastLocation;
    private string? _lastLocationProviderPath;

    /// <summary>
    /// Called before an error about an input path is written. A cmdlet that works on files in parallel writes the
    /// results of earlier inputs first here, so errors stay in input order.
    /// </summary>
    protected virtual void FlushPendingOutput()
    {
    }

    private void WriteInputError(ErrorRecord record)
    {
        FlushPendingOutput();
        WriteError(record);
    }

    private const string FileSystemQualifier = "Microsoft.PowerShell.Core\\FileSystem::";
    private const string ShortFileSystemQualifier = "FileSystem::";

    /// <summary>
    /// A fully qualified path, bare or qualified with the FileSystem provider, or a plain relative path while the
    /// current location is on the file system, normalised; false for what only the provider can say (~, drives and
    /// other providers' qualifiers, backslashes, which the provider turns into separators on Unix).
    /// </summary>
    private bool TryPlainFileSystemPath(string input, out string path)
    {
        var candidate = input;
        var qualified = true;
        if (candidate.StartsWith(FileSystemQualifier, StringComparison.OrdinalIgnoreCase)) candidate = candidate[FileSystemQualifier.Length..];
        else if (candidate.StartsWith(ShortFileSystemQualifier, StringComparison.OrdinalIgnoreCase)) candidate = candidate[ShortFileSystemQualifier.Length..];
        else qualified = false;
        path = "";
        if (Path.IsPathFullyQualified(candidate))
        {
            path = Path.GetFullPath(candidate);
            return true;
        }
        if (qualified || candidate.Length == 0 || candidate[0] == '~' || candidate.Contains(':') || Path.IsPathRooted(candidate)
            || (!OperatingSystem.IsWindows() && candidate.Contains('\\')))
            return false;
        if (CurrentFileSystemDirectory() is not { } current) return false;
        path = Path.GetFullPath(Path.Join(current, candidate));
        return true;
    }

    private static bool IsFileSystem(ProviderInfo provider) =>
        string.Equals(provider.Name, "FileSystem", StringComparison.OrdinalIgnoreCase);

    private void WriteNotFileSystem(string input, ProviderInfo provider) =>
        WriteInputError(new ErrorRecord(
            new ArgumentException($"'{input}' is on the {provider.Name} provider; {MyInvocation.MyCommand.Name} reads files from the file system only."),
            "NotFileSystemPath", ErrorCategory.InvalidArgument, input));

    /// <summary>
    /// Reports a file that could not be read as a non-terminating error whose message names the file, with the
    /// stable error id <see cref="ErrorPolicy"/> gives its kind of failure, so the pipeline goes on with the next file.
    /// </summary>
    internal void ReportError(string path, Exception exception, ErrorCategory? categoryOverride = null, string? errorIdOverride = null)
    {
        var (id, category) = ErrorPolicy.Classify(exception);
        var message = id == ErrorPolicy.UnexpectedErrorId
            ? $"{path}: internal error ({exception.GetType().Name}): {exception.Message}"
            : $"{path}: {PlainMessage(exception)}";
        var record = new ErrorRecord(exception, errorIdOverride ?? id, categoryOverride ?? category, path)
        {
            // Messages can quote header text and file names: escaped, so they cannot drive the terminal.
            ErrorDetails = new ErrorDetails(TextEscaper.Escape(message)),
        };
        WriteError(record);
    }

    /// <summary>
    /// <see cref="ReportError"/> for a problem met on the pipeline thread while an input is turned into work (the file
    /// cannot be opened, a requested frame does not exist): the results of earlier inputs still in flight are written
    /// first, so output and errors come in input order, as a serial run writes them. Errors are rare; the pause in
    /// parallel work that the flush costs is paid only then.
    /// </summary>
    internal void ReportInputError(string path, Exception exception, ErrorCategory? categoryOverride = null)
    {
        FlushPendingOutput();
        ReportError(path, exception, categoryOverride);
    }

    /// <summary>The message without the "(Parameter 'x') Actual value was y." .NET appends to argument exceptions.</summary>
    internal static string PlainMessage(Exception exception)
    {
        if (exception is not ArgumentException { ParamName: { } name }) return exception.Message;
        var message = exception.Message;
        var cut = message.IndexOf($" (Parameter '{name}')", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    /// <summary>Passes the reader's tolerated problems on as warnings naming the file.</summary>
    internal void ReportWarnings(string path, IEnumerable<string> warnings)
    {
        foreach (var warning in warnings) WriteWarning(TextEscaper.Escape($"{path}: {warning}"));
    }
}
