using System.Buffers;
using DicomTools.Pixels;

namespace DicomTools.Imaging;

/// <summary>
/// Percentiles of a frame's modality values (after rescale or Modality LUT) for percentile windows. 8/16-bit samples
/// go through the stored-value histogram of <see cref="ModalityValues"/>, so even a non-monotonic Modality LUT is
/// evaluated once per distinct stored value, not per pixel. Min and max are the frame's own
/// (<see cref="DicomPixelData.ModalityMinimum"/>).
/// </summary>
internal static class ModalityPercentiles
{
    /// <summary>
    /// The <paramref name="low"/> and <paramref name="high"/> percentiles (0..100) of the modality values, with
    /// linear interpolation between the two nearest ranks (rank p/100 x (n - 1), numpy's default definition).
    /// </summary>
    internal static (double Low, double High) Percentiles(Array pixels, int count, int bitsStored, ModalityStage modality,
        double low, double high)
    {
        if (StoredDomain.For(pixels, bitsStored) is { } domain)
        {
            int[] histogram = ModalityValues.Histogram(pixels, count, domain);
            try
            {
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
        double[] sorted = FiniteModalityValues(pixels, count, modality);
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

    private static double[] FiniteModalityValues(Array pixels, int count, ModalityStage modality)
    {
        var kind = SampleKinds.Of(pixels);
        var values = new double[count];
        int n = 0;
        for (int i = 0; i < count; i++)
        {
            double stored = SampleKinds.At(pixels, kind, i);
            if (double.IsFinite(stored)) values[n++] = modality.Apply(stored);
        }
        return n == count ? values : values[..n];
    }
}
