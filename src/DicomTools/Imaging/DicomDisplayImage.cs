using DicomTools.Pixels;
using DicomTools.Imaging;

namespace DicomTools;

/// <summary>
/// An 8-bit display image (what ConvertTo-WindowedImage writes): grey (one byte a pixel) or RGB (three, interleaved),
/// and a record of what was applied to get it. <see cref="Source"/> and <see cref="Settings"/> let an exporter
/// re-render the same choices at 16 bits.
/// </summary>
public sealed class DicomDisplayImage
{
    public required string Path { get; init; }
    public required int Frame { get; init; }
    public required int NumberOfFrames { get; init; }
    public required int Width { get; init; }
    public required int Height { get; init; }
    public required bool IsColor { get; init; }
    /// <summary>Width x Height bytes (grey) or Width x Height x 3 (RGB), row-major.</summary>
    public required byte[] Pixels { get; init; }

    /// <summary>Window applied (in modality units), when the VOI stage was a window; null for a VOI LUT or colour.
    /// For min-max and percentile, the equivalent LINEAR window: center (low + high + 1) / 2, width high - low + 1.</summary>
    public double? WindowCenter { get; init; }
    public double? WindowWidth { get; init; }
    /// <summary>LINEAR, LINEAR_EXACT or SIGMOID when a window was applied.</summary>
    public string? VoiFunction { get; init; }
    /// <summary>Where the VOI came from: "file window 1 (WINDOW1)" (1-based, with the file's explanation when it has
    /// one), "window 40/400", "preset Lung", "min-max", "percentile 1-99", "VOI LUT 1 (explanation)"; null for colour.
    /// A window the standard calls invalid is replaced by min-max (and reported as such).</summary>
    public string? VoiSource { get; init; }
    /// <summary>True when the output was inverted (MONOCHROME1 or INVERSE, flipped by -Invert).</summary>
    public bool Inverted { get; init; }
    /// <summary>The stored-value padding range shown black and left out of min-max / percentile windows; null when
    /// the file has none or -IgnorePadding was given.</summary>
    public PixelPadding? Padding { get; init; }
    /// <summary>The overlay planes burned into <see cref="Pixels"/> (group, type, description); empty when the file
    /// has none or -NoOverlays was given.</summary>
    public IReadOnlyList<OverlayBitmap> Overlays { get; init; } = Array.Empty<OverlayBitmap>();
    /// <summary>Path of the Grayscale Softcopy Presentation State applied (its window, shutters, displayed area and
    /// rotation are in <see cref="Pixels"/>); null when none was.</summary>
    public string? PresentationState { get; init; }

    /// <summary>The decoded frame the image was rendered from. An image rendered straight from a file does not keep
    /// its decoded samples (a series would hold them all twice over): the frame is decoded again from the file the
    /// first time this is read.</summary>
    public DicomPixelData? Source
    {
        get => _source ?? _sourceLoader?.Value;
        init => _source = value;
    }

    public DisplaySettings? Settings { get; init; }

    private readonly DicomPixelData? _source;
    private readonly Lazy<DicomPixelData>? _sourceLoader;
    private readonly DicomInfo? _sourceHeader;

    /// <summary>Decodes <see cref="Source"/> on first use instead of holding it (see <see cref="Source"/>); made by
    /// <see cref="DecodeOnDemand"/>, shared by images made from this one (scaled...).</summary>
    internal Lazy<DicomPixelData>? SourceLoader
    {
        get => _sourceLoader;
        init => _sourceLoader = value;
    }

    /// <summary>The header of the source file, without decoding anything (output names are filled from it).</summary>
    internal DicomInfo? SourceHeader
    {
        get => _source?.Header ?? _sourceHeader;
        init => _sourceHeader = value;
    }

    /// <summary>A loader for <see cref="SourceLoader"/>. A failed decode is tried again on the next read rather than
    /// remembered; two threads racing may both decode, and one result is kept.</summary>
    internal static Lazy<DicomPixelData> DecodeOnDemand(Func<DicomPixelData> decode) =>
        new(decode, LazyThreadSafetyMode.PublicationOnly);

    public override string ToString() =>
        DicomTools.TextEscaper.Escape($"{System.IO.Path.GetFileName(Path)} frame {Frame}: {Width}x{Height} {(IsColor ? "RGB" : "grey")} {VoiSource}");
}
