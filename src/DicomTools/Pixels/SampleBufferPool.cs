namespace DicomTools.Pixels;

/// <summary>
/// Frame-sized sample arrays kept for reuse by code that owns a decoded frame only briefly: a renderer that turns it
/// into a display image and lets it go. A series of 512x512 slices otherwise allocates a fresh 512 KiB array per
/// slice on the large-object heap, and those allocations are what set off the garbage collector's full collections
/// during an export. Arrays are matched by element type and exact length (a series asks for the same shape again and
/// again). Only arrays nobody else can see may be returned: never the samples of a <see cref="DicomPixelData"/> that
/// was written to the pipeline. Thread-safe; keeps a few arrays per processor and at most <see cref="MaxKeptBytes"/>.
/// </summary>
internal static class SampleBufferPool
{
    /// <summary>Smaller arrays are left to the collector: its young generation handles them cheaply.</summary>
    public const int MinPooledBytes = 64 * 1024;

    public const long MaxKeptBytes = 64L * 1024 * 1024;

    private static readonly int MaxKept = 4 * Environment.ProcessorCount + 8;
    private static readonly object Gate = new();
    private static readonly List<Array> Kept = new();
    private static long _keptBytes;

    /// <summary>An array of <typeparamref name="T"/> of exactly <paramref name="length"/> elements, from the pool
    /// when one is kept (its contents are whatever the last user left), else new.</summary>
    public static T[] Rent<T>(int length) where T : unmanaged
    {
        if (BytesOf<T>(length) >= MinPooledBytes)
        {
            lock (Gate)
            {
                for (var i = Kept.Count - 1; i >= 0; i--)
                {
                    // Exact type: the runtime lets a short[] pass as a ushort[] (and sbyte[] as byte[]), whose samples
                    // would then be read with the wrong sign.
                    if (Kept[i].GetType() == typeof(T[]) && Kept[i].Length == length)
                    {
                        var found = (T[])Kept[i];
                        Kept.RemoveAt(i);
                        _keptBytes -= BytesOf<T>(length);
                        return found;
                    }
                }
            }
        }
        return GC.AllocateUninitializedArray<T>(length);
    }

    /// <summary>Gives an array back for reuse. The caller must hold the only reference to it.</summary>
    public static void Return(Array samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var bytes = (long)samples.Length * ElementSize(samples);
        if (bytes < MinPooledBytes || bytes > MaxKeptBytes / 4) return;
        lock (Gate)
        {
            // Full: drop the oldest, so a series whose shape changes does not keep the old shape's arrays forever.
            while (Kept.Count > 0 && (Kept.Count >= MaxKept || _keptBytes + bytes > MaxKeptBytes))
            {
                _keptBytes -= (long)Kept[0].Length * ElementSize(Kept[0]);
                Kept.RemoveAt(0);
            }
            Kept.Add(samples);
            _keptBytes += bytes;
        }
    }

    internal static int Count
    {
        get { lock (Gate) return Kept.Count; }
    }

    private static long BytesOf<T>(int length) where T : unmanaged => (long)length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();

    private static int ElementSize(Array samples) => samples switch
    {
        byte[] or sbyte[] => 1,
        ushort[] or short[] => 2,
        uint[] or int[] or float[] => 4,
        _ => 8,
    };
}
