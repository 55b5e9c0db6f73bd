using DicomTools.Dicom;
using DicomTools.Codecs;

namespace DicomTools;

/// <summary>A codestream could not be decoded, or a codec library is missing (PixelDecodeError).</summary>
public sealed class CodecException : DicomToolsException
{
    public CodecException(string message) : base("PixelDecodeError", DicomErrorKind.InvalidData, message) { }
    public CodecException(string message, Exception inner) : base("PixelDecodeError", DicomErrorKind.InvalidData, message, inner) { }
}
