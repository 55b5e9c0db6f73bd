namespace DicomTools.Pixels;

/// <summary>
/// Modality LUT stage (PS3.3 C.11.1): stored value to modality value. A Modality LUT Sequence item wins over Rescale
/// Slope/Intercept; with neither, the identity. Value equality (LUT by content) makes it part of a cache key.
/// </summary>
internal sealed record ModalityStage(double Slope, double Intercept, DicomLut? Lut, int LutFirstMapped)
{
    public static readonly ModalityStage Identity = new(1, 0, null, 0);

    public static ModalityStage For(DicomPixelData frame, Action<string>? warn = null)
    {
        if (frame.ModalityLut is { EntryCount: > 0 } lut)
            return new ModalityStage(1, 0, lut, lut.FirstMappedValueFor(frame.IsSigned));
        double slope = frame.RescaleSlope ?? 1, intercept = frame.RescaleIntercept ?? 0;
        if (!double.IsFinite(slope) || !double.IsFinite(intercept))
        {
            warn?.Invoke($"rescale slope {slope} / intercept {intercept} is not a finite number; using the stored values as they are");
            return Identity;
        }
        return slope == 1 && intercept == 0 ? Identity : new ModalityStage(slope, intercept, null, 0);
    }

    public double Apply(double stored) =>
        Lut is null ? stored * Slope + Intercept : Lut.Entries[LutIndex(stored - LutFirstMapped, Lut.EntryCount)];

    /// <summary>True when a larger stored value never gives a smaller modality value (so min and max of the
    /// stored values give min and max of the modality values).</summary>
    public bool IsNonDecreasing => Lut is null && Slope >= 0;

    /// <summary>Entry index for an input offset from the first mapped value: below the table the first entry, above
    /// it the last (C.11.1.1, C.11.2.1.1); a fractional input uses the entry of its integer part; NaN the first.</summary>
    public static int LutIndex(double offset, int count)
    {
        if (!(offset > 0)) return 0;
        if (offset >= count - 1) return count - 1;
        return (int)offset;
    }
}
