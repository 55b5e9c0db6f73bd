namespace DicomTools.Codecs.Jpeg;

/// <summary>
/// The JPEG family's entry point for the transfer-syntax table. Both decoders are stateless and thread-safe, so
/// one shared instance of each serves every frame. Each also accepts the other kind of codestream (a lossless
/// codestream under a lossy transfer syntax or the reverse) and hands it over, so a mislabelled file still decodes.
/// </summary>
public static class JpegDecoders
{
    public static JpegDctDecoder Dct { get; } = new();

    public static JpegLosslessDecoder Lossless { get; } = new();

    /// <summary>
    /// The decoder for <paramref name="transferSyntaxUid"/>, or null when it is not a JPEG syntax these decoders
    /// handle: .50 baseline, .51 extended (12-bit), the retired .52-.56 (extended with arithmetic coding, spectral
    /// selection, full progression, Huffman or arithmetic), .57 lossless and .70 lossless first-order prediction.
    /// Arithmetic lossless (.58) and hierarchical (.59-.66) syntaxes are not supported.
    /// </summary>
    public static IFrameDecoder? ForTransferSyntax(string transferSyntaxUid) => transferSyntaxUid.TrimEnd('\0', ' ') switch
    {
        "1.2.840.10008.1.2.4.50" or "1.2.840.10008.1.2.4.51" or "1.2.840.10008.1.2.4.52" or "1.2.840.10008.1.2.4.53"
            or "1.2.840.10008.1.2.4.54" or "1.2.840.10008.1.2.4.55" or "1.2.840.10008.1.2.4.56" => Dct,
        "1.2.840.10008.1.2.4.57" or "1.2.840.10008.1.2.4.70" => Lossless,
        _ => null,
    };
}
