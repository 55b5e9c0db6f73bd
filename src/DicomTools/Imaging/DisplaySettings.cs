using DicomTools.Imaging;

namespace DicomTools;

/// <summary>How the user wants a frame displayed. Null everywhere means the standard's default (C.11): the
/// file's first window, else its first VOI LUT, else min-max; the file's VOI LUT Function; MONOCHROME1 and
/// Presentation LUT Shape INVERSE inverting.</summary>
/// <remarks>
/// Choose at most one VOI: an explicit <see cref="Center"/>/<see cref="Width"/> (a preset is one, see
/// <see cref="WindowPreset.ToSettings"/>), <see cref="WindowIndex"/>, <see cref="WindowName"/>, <see cref="VoiLutIndex"/> or
/// <see cref="AutoWindow"/>; <see cref="DisplayRenderer"/> refuses a combination. <see cref="Function"/> applies to
/// whichever window results: it overrides the file's function for the file's windows, is LINEAR by default for an
/// explicit window, and shapes min-max / percentile windows (LINEAR and LINEAR_EXACT map the low value to black and
/// the high one to white either way). Colour images ignore every VOI setting.
/// </remarks>
public sealed class DisplaySettings
{
    /// <summary>The standard's defaults (no choice made).</summary>
    public static DisplaySettings Default { get; } = new();

    /// <summary>0-based index into the file's Window Center/Width pairs.</summary>
    public int? WindowIndex { get; init; }
    /// <summary>Explicit window in modality units (both or neither).</summary>
    public double? Center { get; init; }
    public double? Width { get; init; }
    /// <summary>Name for an explicit window that came from a preset (for the record only).</summary>
    public string? PresetName { get; init; }
    public AutoWindowMode AutoWindow { get; init; } = AutoWindowMode.None;
    /// <summary>Low and high percentiles (0..100) for <see cref="AutoWindowMode.Percentile"/>.</summary>
    public double PercentileLow { get; init; } = 1;
    public double PercentileHigh { get; init; } = 99;
    /// <summary>A name pattern (wildcards * ? [..], any case): the first stored window whose Window Center &amp; Width
    /// Explanation matches, else the first VOI LUT whose LUT Explanation matches.</summary>
    public string? WindowName { get; init; }
    /// <summary>0-based index into the VOI LUT Sequence (items without entries are not counted).</summary>
    public int? VoiLutIndex { get; init; }
    /// <summary>Overrides the file's VOI LUT Function.</summary>
    public VoiLutFunction? Function { get; init; }
    /// <summary>Flips the inversion the file asks for.</summary>
    public bool Invert { get; init; }
}

public enum AutoWindowMode
{
    None,
    /// <summary>Frame's min modality value to black, max to white (DCMTK's min-max window:
    /// center (min + max + 1) / 2, width max - min + 1).</summary>
    MinMax,
    /// <summary>Like <see cref="MinMax"/> between the PercentileLow and PercentileHigh percentiles.</summary>
    Percentile,
}
