namespace DicomTools.Codecs;

/// <summary>Decodes one compressed frame into the native layout described by <see cref="FrameGeometry"/>.</summary>
public interface IFrameDecoder
{
    /// <summary>Short name used in error messages, e.g. "JPEG Lossless".</summary>
    string Name { get; }

    /// <summary>
    /// Decodes <paramref name="encoded"/> (one frame's bytes, fragments already joined) into
    /// <paramref name="destination"/>, which is exactly <see cref="FrameGeometry.FrameByteLength"/> bytes.
    /// Never writes outside it, whatever the codestream claims. Returns the photometric interpretation of the
    /// decoded samples: the header's value, or e.g. "RGB" when the codec itself converted from YCbCr.
    /// Throws <see cref="CodecException"/> for a damaged codestream.
    /// </summary>
    string Decode(ReadOnlySpan<byte> encoded, FrameGeometry geometry, Span<byte> destination);
}
