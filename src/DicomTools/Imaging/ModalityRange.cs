using System.Buffers;
using DicomTools.Pixels;

namespace DicomTools.Imaging;

/// <summary>
/// Statistics of a frame's modality values (after rescale or Modality LUT): min and max for min-max windows, and
/// percentiles. Each reads the samples once; 8/16-bit samples go through a histogram over the stored domain, so
/// even a non-monotonic Modality LUT is evaluated once per distinct stored value, not per pixel.
/// </summary>
internal static class ModalityRange
{
    /// <summary>Min and max modality value of the frame (raw sample values for colour). Floating-point samples
    /// that are NaN or infinite are left out, and so is pixel padding (C.7.5.1.1.2) unless
    /// <paramref name="includePadding"/>; a frame without any sample left gives (0, 0).</summary>
    public static (double Min, double Max) Compute(DicomPixelData frame, bool includePadding = false)
    {
        int count = FrameChecks.SampleCount(frame);
        var modality = frame.IsColor ? ModalityStage.Identity : ModalityStage.For(frame);
        return Compute(frame.Pixels, count, frame.BitsStored, modality, includePadding || frame.IsColor ? null : frame.Padding);
    }

    internal static (double Min, double Max) Compute(Array pixels, int count, int bitsStored, ModalityStage modality,
        PixelPadding? padding = null)
    {
        if (count == 0) return (0, 0);
        if (padding is not null)
            return PaddedMinMax(pixels, count, bitsStored, modality, padding);
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

    /// <summary>
    /// The <paramref name="low"/> and <paramref name="high"/> percentiles (0..100) of the modality values, with
    /// linear interpolation between the two nearest ranks (rank p/100 x (n - 1), numpy's default definition).
    /// </summary>
    internal static (double Low, double High) Percentiles(Array pixels, int count, int bitsStored, ModalityStage modality,
        double low, double high, PixelPadding? padding = null)
    {
        if (StoredDomain.For(pixels, bitsStored) is { } domain)
        {
            int[] histogram = Histogram(pixels, count, domain);
            try
            {
                ClearPadding(histogram, domain, padding);
                int distinct = 0;
                for (int i = 0; i < domain.Length; i++)
                    if (histogram[i] != 0) distinct++;
                var values = new double[distinct];
                var counts = new long[distinct];
                for (int i = 0, j = 0; i < domain.Length; i++)
                {
                    if (histogram[i] == 0) continue;
                    values[j] = modality.Apply(i + domain.Offset);
                    counts[j++] = histogram[i];
                }
                // Sorting by modality value handles negative slopes and non-monotonic Modality LUTs alike.
                Array.Sort(values, counts);
                long total = 0;
                for (int j = 0; j < counts.Length; j++)
                    counts[j] = total += counts[j];
                return (AtPercentile(values, counts, total, low), AtPercentile(values, counts, total, high));
            }
            finally
            {
                ArrayPool<int>.Shared.Return(histogram);
            }
        }
        double[] sorted = FiniteModalityValues(pixels, count, modality, padding);
        Array.Sort(sorted);
        var cumulative = new long[sorted.Length];
        for (int i = 0; i < cumulative.Length; i++) cumulative[i] = i + 1;
        return (AtPercentile(sorted, cumulative, sorted.Length, low), AtPercentile(sorted, cumulative, sorted.Length, high));
    }

    /// <summary>Percentile of a sorted multiset given as distinct values and cumulative counts.</summary>
    private static double AtPercentile(double[] values, long[] cumulative, long total, double percent)
    {
        if (total == 0) return 0;
        double rank = percent / 100 * (total - 1);
        long k = (long)Math.Floor(rank);
        double fraction = rank - k;
        double at = ValueAtRank(values, cumulative, k);
        if (fraction == 0 || k + 1 >= total) return at;
        return at + (ValueAtRank(values, cumulative, k + 1) - at) * fraction;
    }

    /// <summary>The k-th smallest value (0-based).</summary>
    private static double ValueAtRank(double[] values, long[] cumulative, long k)
    {
        int index = Array.BinarySearch(cumulative, k + 1);
        if (index < 0) index = ~index;
        return values[Math.Min(index, values.Length - 1)];
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

    /// <summary>Min and max over the samples outside the padding range: through the stored-value histogram for
    /// 8/16-bit samples (padding bins emptied), else one pass that skips padding values.</summary>
    private static (double Min, double Max) PaddedMinMax(Array pixels, int count, int bitsStored, ModalityStage modality,
        PixelPadding padding)
    {
        if (StoredDomain.For(pixels, bitsStored) is not { } domain)
            return ModalityMinMaxPerSample(pixels, count, modality, padding);
        int[] histogram = Histogram(pixels, count, domain);
        try
        {
            ClearPadding(histogram, domain, padding);
            double min = double.PositiveInfinity, max = double.NegativeInfinity;
            for (int i = 0; i < domain.Length; i++)
            {
                if (histogram[i] == 0) continue;
                double m = modality.Apply(i + domain.Offset);
                if (m < min) min = m;
                if (m > max) max = m;
            }
            return min <= max ? (min, max) : (0, 0);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(histogram);
        }
    }

    /// <summary>Empties the histogram bins of padding values, so statistics leave them out.</summary>
    private static void ClearPadding(int[] histogram, StoredDomain domain, PixelPadding? padding)
    {
        if (padding is null) return;
        long first = Math.Max(domain.Offset, (long)Math.Ceiling(padding.Low));
        long last = Math.Min(domain.Offset + domain.Length - 1L, (long)Math.Floor(padding.High));
        for (long v = first; v <= last; v++) histogram[v - domain.Offset] = 0;
    }

    private static (double Min, double Max) ModalityMinMaxPerSample(Array pixels, int count, ModalityStage modality,
        PixelPadding? padding = null)
    {
        var kind = SampleKinds.Of(pixels);
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (int i = 0; i < count; i++)
        {
            double stored = SampleKinds.At(pixels, kind, i);
            if (!double.IsFinite(stored) || padding?.Contains(stored) == true) continue;
            double m = modality.Apply(stored);
            if (m < min) min = m;
            if (m > max) max = m;
        }
        return min <= max ? (min, max) : (0, 0);
    }

    private static double[] FiniteModalityValues(Array pixels, int count, ModalityStage modality, PixelPadding? padding)
    {
        var kind = SampleKinds.Of(pixels);
        var values = new double[count];
        int n = 0;
        for (int i = 0; i < count; i++)
        {
            double stored = SampleKinds.At(pixels, kind, i);
            if (double.IsFinite(stored) && padding?.Contains(stored) != true) values[n++] = modality.Apply(stored);
        }
        return n == count ? values : values[..n];
    }
}
