using DicomTools.Dicom;
using DicomTools.Codecs;

namespace DicomTools;

/// <summary>A codestream could not be decoded, or a codec library is missing (PixelDecodeError); or the decoder's
/// process ended on the frame's data (PixelDecoderCrashed: a native library aborted in its worker process).</summary>
public sealed class CodecException : DicomToolsException
{
    /// <summary>The id of a frame whose decoder process crashed (the user's session is unharmed).</summary>
    public const string DecoderCrashedId = "PixelDecoderCrashed";

    public CodecException(string message) : base("PixelDecodeError", DicomErrorKind.InvalidData, message) { }
    public CodecException(string message, Exception inner) : base("PixelDecodeError", DicomErrorKind.InvalidData, message, inner) { }

    /// <summary>With another of the codec ids (<see cref="DecoderCrashedId"/>), e.g. when a message is prefixed on
    /// the way up and the id must stay.</summary>
    internal CodecException(string errorId, string message, Exception? inner) : base(errorId, DicomErrorKind.InvalidData, message, inner) { }
}
