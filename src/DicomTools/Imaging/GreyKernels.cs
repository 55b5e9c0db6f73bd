using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using DicomTools.Pixels;

namespace DicomTools.Imaging;

/// <summary>
/// The per-pixel loops, one per sample type, so the JIT sees concrete types: no interface call, no allocation, no
/// bounds check inside the table loops (the index is masked into a power-of-two table). TOut is byte or ushort; the
/// typeof tests in <see cref="Store{TOut}"/> are constants per instantiation and vanish when compiled.
/// </summary>
internal static class GreyKernels
{
    /// <summary>Maps 8/16-bit samples through a table built over <paramref name="domain"/>.</summary>
    public static void MapThroughTable<TOut>(Array pixels, int count, StoredDomain domain, TOut[] table, Span<TOut> destination)
        where TOut : unmanaged
    {
        if (table.Length != domain.Length || (domain.Length & domain.Mask) != 0)
            throw new InvalidOperationException("display table does not match its stored-value domain");
        if (destination.Length < count || pixels.Length < count)
            throw new ArgumentException($"{count} samples do not fit the source or destination", nameof(count));
        ref TOut t = ref MemoryMarshal.GetArrayDataReference(table);
        ref TOut d = ref MemoryMarshal.GetReference(destination);
        int mask = domain.Mask, offset = domain.Offset;
        switch (SampleKinds.Of(pixels))
        {
            case SampleKind.UInt8:
            {
                ref byte s = ref MemoryMarshal.GetArrayDataReference((byte[])pixels);
                for (nint i = 0; i < count; i++) Unsafe.Add(ref d, i) = Unsafe.Add(ref t, Unsafe.Add(ref s, i) & mask);
                break;
            }
            case SampleKind.Int8:
            {
                ref sbyte s = ref MemoryMarshal.GetArrayDataReference((sbyte[])pixels);
                for (nint i = 0; i < count; i++) Unsafe.Add(ref d, i) = Unsafe.Add(ref t, (Unsafe.Add(ref s, i) - offset) & mask);
                break;
            }
            case SampleKind.UInt16:
            {
                ref ushort s = ref MemoryMarshal.GetArrayDataReference((ushort[])pixels);
                for (nint i = 0; i < count; i++) Unsafe.Add(ref d, i) = Unsafe.Add(ref t, Unsafe.Add(ref s, i) & mask);
                break;
            }
            case SampleKind.Int16:
            {
                ref short s = ref MemoryMarshal.GetArrayDataReference((short[])pixels);
                for (nint i = 0; i < count; i++) Unsafe.Add(ref d, i) = Unsafe.Add(ref t, (Unsafe.Add(ref s, i) - offset) & mask);
                break;
            }
            default:
                throw new ArgumentException($"no table path for {pixels.GetType().Name} samples", nameof(pixels));
        }
    }

    /// <summary>32-bit samples through a table over their actual range [min, min + table.Length).</summary>
    public static void MapThroughRangeTable<TOut>(ReadOnlySpan<int> source, long min, TOut[] table, Span<TOut> destination)
        where TOut : unmanaged
    {
        // Bounds-checked on purpose: the range came from an earlier pass over the same array.
        for (int i = 0; i < source.Length; i++) destination[i] = table[(int)(source[i] - min)];
    }

    public static void MapThroughRangeTable<TOut>(ReadOnlySpan<uint> source, long min, TOut[] table, Span<TOut> destination)
        where TOut : unmanaged
    {
        for (int i = 0; i < source.Length; i++) destination[i] = table[(int)(source[i] - min)];
    }

    // Per-pixel evaluation where no table fits (wide 32-bit ranges, floating point).
    public static void Evaluate<TOut>(ReadOnlySpan<int> source, GreyPipeline pipeline, Span<TOut> destination) where TOut : unmanaged
    {
        for (int i = 0; i < source.Length; i++) Store(ref destination[i], pipeline.Level(source[i]));
    }

    public static void Evaluate<TOut>(ReadOnlySpan<uint> source, GreyPipeline pipeline, Span<TOut> destination) where TOut : unmanaged
    {
        for (int i = 0; i < source.Length; i++) Store(ref destination[i], pipeline.Level(source[i]));
    }

    public static void Evaluate<TOut>(ReadOnlySpan<float> source, GreyPipeline pipeline, Span<TOut> destination) where TOut : unmanaged
    {
        for (int i = 0; i < source.Length; i++) Store(ref destination[i], pipeline.Level(source[i]));
    }

    public static void Evaluate<TOut>(ReadOnlySpan<double> source, GreyPipeline pipeline, Span<TOut> destination) where TOut : unmanaged
    {
        for (int i = 0; i < source.Length; i++) Store(ref destination[i], pipeline.Level(source[i]));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TOut>(ref TOut destination, int level) where TOut : unmanaged
    {
        if (typeof(TOut) == typeof(byte)) Unsafe.As<TOut, byte>(ref destination) = (byte)level;
        else if (typeof(TOut) == typeof(ushort)) Unsafe.As<TOut, ushort>(ref destination) = (ushort)level;
        else throw new NotSupportedException($"output samples of type {typeof(TOut).Name}");
    }
}
