using DicomTools.Dicom;
using DicomTools.Export;

namespace DicomTools;

/// <summary>
/// An image cannot be written in the form asked for, though both are valid on their own (e.g. -BitDepth 16 for a
/// colour image): NotSupported, for that image only.
/// </summary>
public sealed class UnsupportedOutputException : DicomToolsException
{
    public UnsupportedOutputException(string message)
        : base("NotSupported", DicomErrorKind.NotSupported, message)
    {
    }
}
