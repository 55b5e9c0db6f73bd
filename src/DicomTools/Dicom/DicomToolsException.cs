using DicomTools.Dicom;

namespace DicomTools;

/// <summary>
/// What kind of problem a <see cref="DicomToolsException"/> is. The core stays PowerShell-free: the cmdlets map each
/// kind to PowerShell's ErrorCategory in one place (Commands/ErrorPolicy.cs).
/// </summary>
public enum DicomErrorKind
{
    /// <summary>The file's content is wrong (not DICOM, damaged, contradicting header).</summary>
    InvalidData,
    /// <summary>A setting the user chose does not fit the file (e.g. a window index it does not have).</summary>
    InvalidArgument,
    /// <summary>Something to be created already exists (an output file without -Force).</summary>
    ResourceExists,
    /// <summary>A valid request this tool cannot carry out (e.g. 16-bit output of a colour image).</summary>
    NotSupported,
}

/// <summary>
/// The base of every exception DicomTools raises for a problem with a file or a setting, as opposed to a bug. Each
/// kind carries its stable error id (what scripts and tests match in FullyQualifiedErrorId) and its category, so a
/// cmdlet reports it by what it is without a list of exception types of its own. Lives in the lowest layer so every
/// layer can derive from it.
/// </summary>
public abstract class DicomToolsException : Exception
{
    protected DicomToolsException(string errorId, DicomErrorKind kind, string message, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Kind = kind;
    }

    /// <summary>Stable id of this kind of problem, e.g. DicomReadError.</summary>
    public string ErrorId { get; }

    public DicomErrorKind Kind { get; }
}
