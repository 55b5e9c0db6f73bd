namespace DicomTools.Imaging;

/// <summary>How the user wants a frame displayed. Null everywhere means the standard's default (C.11): the
/// file's first window, else its first VOI LUT, else min-max; the file's VOI LUT Function; MONOCHROME1 and
/// Presentation LUT Shape INVERSE inverting.</summary>
public sealed class DisplaySettings
{
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
    /// <summary>0-based index into the VOI LUT Sequence.</summary>
    public int? VoiLutIndex { get; init; }
    /// <summary>Overrides the file's VOI LUT Function.</summary>
    public VoiLutFunction? Function { get; init; }
    /// <summary>Flips the inversion the file asks for.</summary>
    public bool Invert { get; init; }
}

public enum AutoWindowMode
{
    None,
    MinMax,
    Percentile,
}
