using DicomTools.Dicom;

namespace DicomTools.Codecs;

/// <summary>
/// Decodes one compressed frame into the native layout described by <see cref="FrameGeometry"/>, and says which
/// transfer syntaxes it is for and where its codestreams start. <see cref="CodecRegistry"/> builds the transfer
/// syntax lookup from these declarations; frames are decoded through <see cref="CodecRegistry.DecodeFrame"/>.
/// </summary>
internal interface IFrameDecoder
{
    /// <summary>Short name used in error messages, e.g. "JPEG Lossless".</summary>
    string Name { get; }

    /// <summary>The transfer syntaxes whose frames this decoder decodes (members of <see cref="TransferSyntax"/>).
    /// A syntax belongs to one decoder only.</summary>
    IReadOnlyList<TransferSyntax> TransferSyntaxes { get; }

    /// <summary>
    /// True when <paramref name="head"/>, the first bytes of a fragment (at most
    /// <see cref="CodecRegistry.FrameStartLength"/>, fewer for a short fragment), opens one of this codec's
    /// codestreams: how frames are found among fragments when the file has no offset table.
    /// </summary>
    bool IsFrameStart(ReadOnlySpan<byte> head);

    /// <summary>
    /// Decodes <paramref name="encoded"/> (one frame's bytes, fragments already joined) into
    /// <paramref name="destination"/>, which is exactly <see cref="FrameGeometry.FrameByteLength"/> bytes
    /// (<see cref="CodecRegistry.DecodeFrame"/> checks it). Never writes outside it, whatever the codestream claims.
    /// Returns the photometric interpretation of the decoded samples: the header's value, or e.g. "RGB" when the
    /// codec itself converted from YCbCr. Throws <see cref="CodecException"/> for a damaged codestream.
    /// </summary>
    string Decode(ReadOnlySpan<byte> encoded, FrameGeometry geometry, Span<byte> destination);
}
