using DicomTools.Pixels;

namespace DicomTools.Imaging;

/// <summary>
/// Display tables (stored value to output level) shared across frames: every slice of a series with the same
/// bits stored, signedness, rescale or Modality LUT, VOI choice, inversion and output depth gets the same table
/// instance, so a 1000-slice series builds it once. Least-recently-used entries are dropped beyond
/// <see cref="Capacity"/> (at most 2 MB: 16 tables of 65536 ushorts). Thread-safe; a table is built outside the lock,
/// and when two threads race for the same key the first one stored wins and both get that instance.
/// </summary>
internal static class GreyLutCache
{
    public const int Capacity = 16;

    private readonly record struct Key(GreyPipeline Pipeline, int Offset, int Length);

    private static readonly object Gate = new();
    private static readonly Dictionary<Key, LinkedListNode<(Key Key, Array Table)>> Index = new();
    private static readonly LinkedList<(Key Key, Array Table)> RecentFirst = new();

    /// <summary>Table of <paramref name="domain"/>.Length levels for stored values Offset, Offset + 1, ...:
    /// byte[] when the pipeline's output max is 255 or less, else ushort[].</summary>
    public static Array GetOrBuild(GreyPipeline pipeline, StoredDomain domain) =>
        GetOrBuild(pipeline, domain.Offset, domain.Length);

    public static Array GetOrBuild(GreyPipeline pipeline, int offset, int length)
    {
        var key = new Key(pipeline, offset, length);
        lock (Gate)
        {
            if (Index.TryGetValue(key, out var node))
            {
                RecentFirst.Remove(node);
                RecentFirst.AddFirst(node);
                return node.Value.Table;
            }
        }
        Array built = Build(pipeline, offset, length);
        lock (Gate)
        {
            if (Index.TryGetValue(key, out var raced))
                return raced.Value.Table;
            Index[key] = RecentFirst.AddFirst((key, built));
            while (Index.Count > Capacity)
            {
                var oldest = RecentFirst.Last!;
                RecentFirst.RemoveLast();
                Index.Remove(oldest.Value.Key);
            }
            return built;
        }
    }

    /// <summary>Builds a table without caching (for a frame-specific range such as 32-bit samples' min..max).</summary>
    public static Array Build(GreyPipeline pipeline, long offset, int length)
    {
        if (pipeline.OutputMax <= byte.MaxValue)
        {
            var table = new byte[length];
            for (int i = 0; i < table.Length; i++) table[i] = (byte)pipeline.Level((double)offset + i);
            return table;
        }
        else
        {
            var table = new ushort[length];
            for (int i = 0; i < table.Length; i++) table[i] = (ushort)pipeline.Level((double)offset + i);
            return table;
        }
    }

    internal static int Count
    {
        get { lock (Gate) return Index.Count; }
    }

    internal static void Clear()
    {
        lock (Gate)
        {
            Index.Clear();
            RecentFirst.Clear();
        }
    }
}
