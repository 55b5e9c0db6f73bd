using System.Buffers;

namespace DicomTools.Pixels;

/// <summary>
/// Min and max of a frame's modality values (after rescale or Modality LUT), for <see cref="DicomPixelData"/> and
/// min-max windows, and the stored-value histogram they and the percentile windows share. Each reads the samples
/// once; 8/16-bit samples go through a histogram over the stored domain, so even a non-monotonic Modality LUT is
/// evaluated once per distinct stored value, not per pixel.
/// </summary>
internal static class ModalityValues
{
    /// <summary>Min and max modality value of the frame (raw sample values for colour). Floating-point samples
    /// that are NaN or infinite are left out; a frame without any finite sample gives (0, 0).</summary>
    public static (double Min, double Max) Range(DicomPixelData frame)
    {
        int count = FrameChecks.SampleCount(frame);
        var modality = frame.IsColor ? ModalityStage.Identity : ModalityStage.For(frame);
        return Range(frame.Pixels, count, frame.BitsStored, modality);
    }

    internal static (double Min, double Max) Range(Array pixels, int count, int bitsStored, ModalityStage modality)
    {
        if (count == 0) return (0, 0);
        if (modality.Lut is not null)
        {
            // A LUT may be non-monotonic: its extremes are over the stored values present, not the stored extremes.
            if (StoredDomain.For(pixels, bitsStored) is { } domain)
            {
                int[] histogram = Histogram(pixels, count, domain);
                try
                {
                    double min = double.PositiveInfinity, max = double.NegativeInfinity;
                    for (int i = 0; i < domain.Length; i++)
                    {
                        if (histogram[i] == 0) continue;
                        double m = modality.Apply(i + domain.Offset);
                        if (m < min) min = m;
                        if (m > max) max = m;
                    }
                    return (min, max);
                }
                finally
                {
                    ArrayPool<int>.Shared.Return(histogram);
                }
            }
            return ModalityMinMaxPerSample(pixels, count, modality);
        }
        var (lo, hi) = StoredMinMax(pixels, count);
        double a = modality.Apply(lo), b = modality.Apply(hi);
        return a <= b ? (a, b) : (b, a);
    }

    /// <summary>Counts of each stored value, indexed by (value - Offset) &amp; Mask. Rented: return it to
    /// <see cref="ArrayPool{T}.Shared"/>.</summary>
    internal static int[] Histogram(Array pixels, int count, StoredDomain domain)
    {
        int[] histogram = ArrayPool<int>.Shared.Rent(domain.Length);
        Array.Clear(histogram, 0, domain.Length);
        int offset = domain.Offset, mask = domain.Mask;
        switch (SampleKinds.Of(pixels))
        {
            case SampleKind.UInt8:
                foreach (byte v in ((byte[])pixels).AsSpan(0, count)) histogram[v & mask]++;
                break;
            case SampleKind.Int8:
                foreach (sbyte v in ((sbyte[])pixels).AsSpan(0, count)) histogram[(v - offset) & mask]++;
                break;
            case SampleKind.UInt16:
                foreach (ushort v in ((ushort[])pixels).AsSpan(0, count)) histogram[v & mask]++;
                break;
            case SampleKind.Int16:
                foreach (short v in ((short[])pixels).AsSpan(0, count)) histogram[(v - offset) & mask]++;
                break;
            default:
                ArrayPool<int>.Shared.Return(histogram);
                throw new ArgumentException($"no stored-value histogram for {pixels.GetType().Name} samples");
        }
        return histogram;
    }

    /// <summary>Min and max sample value in one pass (finite values only for floating point).</summary>
    internal static (double Min, double Max) StoredMinMax(Array pixels, int count)
    {
        switch (SampleKinds.Of(pixels))
        {
            case SampleKind.UInt8: { var s = ((byte[])pixels).AsSpan(0, count); int lo = s[0], hi = s[0]; foreach (byte v in s) { if (v < lo) lo = v; else if (v > hi) hi = v; } return (lo, hi); }
            case SampleKind.Int8: { var s = ((sbyte[])pixels).AsSpan(0, count); int lo = s[0], hi = s[0]; foreach (sbyte v in s) { if (v < lo) lo = v; else if (v > hi) hi = v; } return (lo, hi); }
            case SampleKind.UInt16: { var s = ((ushort[])pixels).AsSpan(0, count); int lo = s[0], hi = s[0]; foreach (ushort v in s) { if (v < lo) lo = v; else if (v > hi) hi = v; } return (lo, hi); }
            case SampleKind.Int16: { var s = ((short[])pixels).AsSpan(0, count); int lo = s[0], hi = s[0]; foreach (short v in s) { if (v < lo) lo = v; else if (v > hi) hi = v; } return (lo, hi); }
            case SampleKind.Int32: { var s = ((int[])pixels).AsSpan(0, count); int lo = s[0], hi = s[0]; foreach (int v in s) { if (v < lo) lo = v; else if (v > hi) hi = v; } return (lo, hi); }
            case SampleKind.UInt32: { var s = ((uint[])pixels).AsSpan(0, count); uint lo = s[0], hi = s[0]; foreach (uint v in s) { if (v < lo) lo = v; else if (v > hi) hi = v; } return (lo, hi); }
            case SampleKind.Float32:
            {
                double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
                foreach (float v in ((float[])pixels).AsSpan(0, count))
                {
                    if (!float.IsFinite(v)) continue;
                    if (v < lo) lo = v;
                    if (v > hi) hi = v;
                }
                return lo <= hi ? (lo, hi) : (0, 0);
            }
            case SampleKind.Float64:
            {
                double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
                foreach (double v in ((double[])pixels).AsSpan(0, count))
                {
                    if (!double.IsFinite(v)) continue;
                    if (v < lo) lo = v;
                    if (v > hi) hi = v;
                }
                return lo <= hi ? (lo, hi) : (0, 0);
            }
            default:
                throw new ArgumentException($"pixel samples of type {pixels.GetType().Name} are not supported");
        }
    }

    private static (double Min, double Max) ModalityMinMaxPerSample(Array pixels, int count, ModalityStage modality)
    {
        var kind = SampleKinds.Of(pixels);
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (int i = 0; i < count; i++)
        {
            double stored = SampleKinds.At(pixels, kind, i);
            if (!double.IsFinite(stored)) continue;
            double m = modality.Apply(stored);
            if (m < min) min = m;
            if (m > max) max = m;
        }
        return min <= max ? (min, max) : (0, 0);
    }
}
