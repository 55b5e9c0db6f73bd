namespace DicomTools.Codecs.Jpeg;

/// <summary>
/// The shared instance of each JPEG decoder (both stateless and thread-safe), listed in <see cref="CodecRegistry"/>.
/// Each also accepts the other kind of codestream (a lossless codestream under a lossy transfer syntax or the
/// reverse) and hands it to the other's instance here, so a mislabelled file still decodes.
/// </summary>
internal static class JpegDecoders
{
    public static JpegDctDecoder Dct { get; } = new();

    public static JpegLosslessDecoder Lossless { get; } = new();

    /// <summary>Every JPEG codestream opens with SOI (FF D8): the frame start of the JPEG family and JPEG-LS.</summary>
    internal static bool StartsWithSoi(ReadOnlySpan<byte> head) => head.Length >= 2 && head[0] == 0xFF && head[1] == 0xD8;
}
