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

    public DicomPixelData? Source { get; init; }
    public DisplaySettings? Settings { get; init; }

    public override string ToString() =>
        DicomTools.TextEscaper.Escape($"{System.IO.Path.GetFileName(Path)} frame {Frame}: {Width}x{Height} {(IsColor ? "RGB" : "grey")} {VoiSource}");
}
