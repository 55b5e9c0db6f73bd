using System.Buffers;
using System.Numerics;

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
    /// that are NaN or infinite are left out, and so is pixel padding (C.7.5.1.1.2) unless
    /// <paramref name="includePadding"/>; a frame without any sample left gives (0, 0).</summary>
    public static (double Min, double Max) Range(DicomPixelData frame, bool includePadding = false)
    {
        int count = FrameChecks.SampleCount(frame);
        var modality = frame.IsColor ? ModalityStage.Identity : ModalityStage.For(frame);
        return Range(frame.Pixels, count, frame.BitsStored, modality, includePadding || frame.IsColor ? null : frame.Padding);
    }

    internal static (double Min, double Max) Range(Array pixels, int count, int bitsStored, ModalityStage modality,
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
            case SampleKind.UInt8: return IntegerMinMax(((byte[])pixels).AsSpan(0, count));
            case SampleKind.Int8: return IntegerMinMax(((sbyte[])pixels).AsSpan(0, count));
            case SampleKind.UInt16: return IntegerMinMax(((ushort[])pixels).AsSpan(0, count));
            case SampleKind.Int16: return IntegerMinMax(((short[])pixels).AsSpan(0, count));
            case SampleKind.Int32: return IntegerMinMax(((int[])pixels).AsSpan(0, count));
            case SampleKind.UInt32: return IntegerMinMax(((uint[])pixels).AsSpan(0, count));
            case SampleKind.Float32: return FiniteMinMax(((float[])pixels).AsSpan(0, count));
            case SampleKind.Float64: return FiniteMinMax(((double[])pixels).AsSpan(0, count));
            default:
                throw new ArgumentException($"pixel samples of type {pixels.GetType().Name} are not supported");
        }
    }

    /// <summary>Min and max of integer samples (the span is not empty).</summary>
    private static (double Min, double Max) IntegerMinMax<T>(ReadOnlySpan<T> samples) where T : struct, IBinaryInteger<T>
    {
        T lo = samples[0], hi = samples[0];
        foreach (T v in samples)
        {
            if (v < lo) lo = v;
            else if (v > hi) hi = v;
        }
        return (double.CreateTruncating(lo), double.CreateTruncating(hi));
    }

    /// <summary>Min and max of the finite floating-point samples; (0, 0) when none is finite.</summary>
    private static (double Min, double Max) FiniteMinMax<T>(ReadOnlySpan<T> samples) where T : struct, IFloatingPointIeee754<T>
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (T v in samples)
        {
            if (!T.IsFinite(v)) continue;
            double d = double.CreateTruncating(v);
            if (d < lo) lo = d;
            if (d > hi) hi = d;
        }
        return lo <= hi ? (lo, hi) : (0, 0);
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
    internal static void ClearPadding(int[] histogram, StoredDomain domain, PixelPadding? padding)
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
}
