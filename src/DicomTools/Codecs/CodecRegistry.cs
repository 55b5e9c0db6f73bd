using DicomTools.Codecs.Deflate;
using DicomTools.Codecs.Jpeg;
using DicomTools.Codecs.Jpeg2000;
using DicomTools.Codecs.JpegLs;
using DicomTools.Codecs.JpegXl;
using DicomTools.Codecs.Rle;
using DicomTools.Dicom;

namespace DicomTools.Codecs;

/// <summary>
/// The one list of frame decoders, and the lookups built from what each declares: which decoder handles a transfer
/// syntax, and how a syntax's frames are found among fragments. Adding a codec is writing its
/// <see cref="IFrameDecoder"/> and adding one line to <see cref="Decoders"/>. Decoders are stateless and shared.
/// </summary>
internal static class CodecRegistry
{
    /// <summary>Bytes of a fragment's start handed to <see cref="IFrameDecoder.IsFrameStart"/> (a JP2 signature box
    /// needs 12).</summary>
    public const int FrameStartLength = 12;

    public static IReadOnlyList<IFrameDecoder> Decoders { get; } = new IFrameDecoder[]
    {
        JpegDecoders.Dct,
        JpegDecoders.Lossless,
        new JpegLsDecoder(),
        new Jpeg2000Decoder(),
        JpegXlDecoder.Lossless,
        JpegXlDecoder.JpegRecompression,
        JpegXlDecoder.Any,
        new RleDecoder(),
        new DeflatedFrameDecoder(),
    };

    private static readonly Dictionary<string, IFrameDecoder> BySyntax = BuildBySyntax();

    // A syntax no decoder takes (JPEG lossless process 15) still has its frames found by its family's start markers,
    // so a file reports its true frame count before each frame says that the syntax is not supported.
    // Indexed by the enum's value: a Dictionary keyed by an enum makes its comparer by reflection and runs
    // dictionary code the JIT must compile, on every new shell's first decode.
    private static readonly IFrameDecoder?[] ByEncoding = BuildByEncoding();

    /// <summary>The decoder for <paramref name="syntax"/>, or null when we have none (the caller says so per frame).</summary>
    public static IFrameDecoder? For(TransferSyntax syntax) =>
        BySyntax.TryGetValue(syntax.Uid, out var decoder) ? decoder : null;

    /// <summary>The decoder whose <see cref="IFrameDecoder.IsFrameStart"/> finds frames of <paramref name="syntax"/>:
    /// its own, else one of the same pixel encoding; null when no codestream start is known.</summary>
    public static IFrameDecoder? FrameStartsFor(TransferSyntax syntax) =>
        For(syntax) ?? ((uint)syntax.PixelEncoding < (uint)ByEncoding.Length ? ByEncoding[(int)syntax.PixelEncoding] : null);

    /// <summary>
    /// Decodes one frame with <paramref name="decoder"/>: every frame decode goes through here, so the destination
    /// is checked once for all codecs to be exactly the frame's native size before any decoder runs.
    /// </summary>
    public static string DecodeFrame(IFrameDecoder decoder, ReadOnlySpan<byte> encoded, FrameGeometry geometry, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(geometry);
        if (destination.Length != geometry.FrameByteLength)
            throw new ArgumentException($"{decoder.Name}: destination is {destination.Length} bytes; the frame needs {geometry.FrameByteLength}", nameof(destination));
        return decoder.Decode(encoded, geometry, destination);
    }

    private static Dictionary<string, IFrameDecoder> BuildBySyntax()
    {
        var table = new Dictionary<string, IFrameDecoder>(StringComparer.Ordinal);
        foreach (var decoder in Decoders)
            foreach (var syntax in decoder.TransferSyntaxes)
                if (!table.TryAdd(syntax.Uid, decoder))
                    throw new InvalidOperationException($"{syntax.Name} is declared by both {table[syntax.Uid].Name} and {decoder.Name}");
        return table;
    }

    private static IFrameDecoder?[] BuildByEncoding()
    {
        var table = Array.Empty<IFrameDecoder?>();
        foreach (var decoder in Decoders)
            foreach (var syntax in decoder.TransferSyntaxes)
            {
                var index = (int)syntax.PixelEncoding;
                if (index >= table.Length) Array.Resize(ref table, index + 1);
                table[index] ??= decoder; // the first decoder listed for an encoding, as TryAdd kept it
            }
        return table;
    }
}
