using DicomTools.Dicom;
using DicomTools.Export;

namespace DicomTools;

/// <summary>
/// An output file already exists and overwriting was not asked for (no -Force). Its own type so a cmdlet can report
/// it as "already exists" (OutputExists, ResourceExists) rather than as a write failure.
/// </summary>
public sealed class OutputExistsException : DicomToolsException
{
    public OutputExistsException(string path)
        : this(path, $"Output file '{path}' already exists; use -Force to overwrite it.")
    {
    }

    public OutputExistsException(string path, string message)
        : base("OutputExists", DicomErrorKind.ResourceExists, message)
    {
        Path = path;
    }

    /// <summary>The full path of the existing file.</summary>
    public string Path { get; }
}
