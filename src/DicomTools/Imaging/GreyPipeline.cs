using DicomTools.Pixels;

namespace DicomTools.Imaging;

internal enum VoiKind
{
    /// <summary>Window Center/Width through a VOI LUT Function (C.11.2.1.2, C.11.2.1.3).</summary>
    Window,
    /// <summary>Linear map of [Low, High] onto the output range: min-max and percentile windows.</summary>
    Range,
    /// <summary>A VOI LUT Sequence item (C.11.2.1.1).</summary>
    Lut,
}

/// <summary>
/// VOI LUT stage: modality value to a value in [0, yMax] (not yet rounded). Only the fields of its
/// <see cref="Kind"/> are meaningful; the others are zero so that equal stages compare equal.
/// </summary>
internal sealed record VoiStage(
    VoiKind Kind,
    double Center,
    double Width,
    VoiLutFunction Function,
    double Low,
    double High,
    DicomLut? Lut,
    int LutFirstMapped,
    double LutMaxOutput)
{
    public static VoiStage Window(double center, double width, VoiLutFunction function) =>
        new(VoiKind.Window, center, width, function, 0, 0, null, 0, 0);

    public static VoiStage Range(double low, double high) =>
        new(VoiKind.Range, 0, 0, VoiLutFunction.Linear, low, high, null, 0, 0);

    /// <param name="bitsPerEntry">Entries run 0 .. 2^bits - 1, which maps to 0 .. yMax.</param>
    public static VoiStage FromLut(DicomLut lut, int firstMapped, int bitsPerEntry) =>
        new(VoiKind.Lut, 0, 0, VoiLutFunction.Linear, 0, 0, lut, firstMapped, Math.Pow(2, bitsPerEntry) - 1);

    /// <summary>True when PS3.3 allows this window: width >= 1 for LINEAR (C.11.2.1.2.1), width > 0 for
    /// LINEAR_EXACT and SIGMOID (C.11.2.1.3).</summary>
    public static bool IsValidWindow(double center, double width, VoiLutFunction function) =>
        double.IsFinite(center) && double.IsFinite(width) && (function == VoiLutFunction.Linear ? width >= 1 : width > 0);

    public double Apply(double x, double yMax)
    {
        switch (Kind)
        {
            case VoiKind.Window:
                switch (Function)
                {
                    case VoiLutFunction.Linear:
                    {
                        // C.11.2.1.2.1 with ymin = 0. For width 1 the middle branch is empty: x <= c - 0.5 -> 0, else yMax.
                        double c = Center - 0.5, w = Width - 1;
                        if (x <= c - w / 2) return 0;
                        if (x > c + w / 2) return yMax;
                        return ((x - c) / w + 0.5) * yMax;
                    }
                    case VoiLutFunction.LinearExact:
                        // C.11.2.1.3.2
                        if (x <= Center - Width / 2) return 0;
                        if (x > Center + Width / 2) return yMax;
                        return ((x - Center) / Width + 0.5) * yMax;
                    default:
                        // C.11.2.1.3.1
                        return yMax / (1 + Math.Exp(-4 * (x - Center) / Width));
                }
            case VoiKind.Range:
                // Same as a LINEAR window with c = (Low + High + 1) / 2, w = High - Low + 1 (DCMTK's min-max
                // window), written directly so the end points land exactly on 0 and yMax.
                if (x <= Low) return 0;
                if (x >= High) return yMax;
                return (x - Low) / (High - Low) * yMax;
            default:
                return Lut!.Entries[ModalityStage.LutIndex(Math.Floor(x) - LutFirstMapped, Lut.EntryCount)] / LutMaxOutput * yMax;
        }
    }
}

/// <summary>
/// Stored value to display level: modality, VOI and presentation composed in double precision and rounded once
/// (floor(v + 0.5), clamped). Inversion is applied to the rounded level (max - level), exactly as the reference
/// renderings do, so an inverted image is the exact complement of the plain one. Stored values in
/// <see cref="Padding"/> skip every stage and show black (level 0) whether or not the image is inverted; being part
/// of the record, the padding is part of the cached table's key, so the table does the test, not a per-pixel branch.
/// A <see cref="PresentationLut"/> (LUT data, C.11.6) maps the VOI output onto P-values before the output scale.
/// </summary>
internal sealed record GreyPipeline(ModalityStage Modality, VoiStage Voi, bool Invert, int OutputMax, PixelPadding? Padding = null,
    DicomLut? PresentationLut = null)
{
    public int Level(double stored)
    {
        if (Padding is not null && Padding.Contains(stored)) return 0;
        double modality = Modality.Apply(stored);
        double v = PresentationLut is { } p ? Presentation(p, modality) : Voi.Apply(modality, OutputMax);
        int level = RoundToLevel(v, OutputMax);
        return Invert ? OutputMax - level : level;
    }

    /// <summary>
    /// C.11.6.1: the Presentation LUT's input is the VOI output, its entry count the number of VOI output values, so
    /// the VOI maps onto 0 .. entries - 1 and the entry below that real value is taken (the standard leaves the
    /// rounding of a window's real output open; DCMTK's dcmp2pgm truncates, and so do we). Entries of BitsPerEntry
    /// bits are P-values scaled onto the output range.
    /// </summary>
    private double Presentation(DicomLut lut, double modality)
    {
        double y = Voi.Apply(modality, lut.EntryCount - 1);
        // A hair above the value so that a window end computed as 254.99999... still selects entry 255.
        int index = ModalityStage.LutIndex(Math.Floor(y + 1e-9), lut.EntryCount);
        double max = Math.Pow(2, Math.Clamp(lut.BitsPerEntry, 1, 16)) - 1;
        return lut.Entries[index] / max * OutputMax;
    }

    /// <summary>floor(v + 0.5) clamped to 0..max; NaN gives 0.</summary>
    public static int RoundToLevel(double v, int max)
    {
        if (!(v >= 0)) return 0;
        if (v >= max) return max;
        return (int)(v + 0.5);
    }
}
