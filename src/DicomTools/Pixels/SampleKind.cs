namespace DicomTools.Pixels;

/// <summary>The element type of a frame's sample array.</summary>
internal enum SampleKind
{
    Unsupported,
    UInt8,
    Int8,
    UInt16,
    Int16,
    UInt32,
    Int32,
    Float32,
    Float64,
}

internal static class SampleKinds
{
    /// <summary>
    /// The exact element type. Not a type pattern: the CLR lets a short[] pass as ushort[] (and sbyte[]/byte[],
    /// int[]/uint[]) in `is` and `switch` tests, so `case ushort[]` would also catch signed samples.
    /// </summary>
    public static SampleKind Of(Array pixels)
    {
        Type t = pixels.GetType();
        if (t == typeof(byte[])) return SampleKind.UInt8;
        if (t == typeof(sbyte[])) return SampleKind.Int8;
        if (t == typeof(ushort[])) return SampleKind.UInt16;
        if (t == typeof(short[])) return SampleKind.Int16;
        if (t == typeof(uint[])) return SampleKind.UInt32;
        if (t == typeof(int[])) return SampleKind.Int32;
        if (t == typeof(float[])) return SampleKind.Float32;
        if (t == typeof(double[])) return SampleKind.Float64;
        return SampleKind.Unsupported;
    }

    public static bool IsSignedInteger(this SampleKind kind) => kind is SampleKind.Int8 or SampleKind.Int16 or SampleKind.Int32;

    public static bool IsFloatingPoint(this SampleKind kind) => kind is SampleKind.Float32 or SampleKind.Float64;

    /// <summary>One sample as a double, for the rare statistics and colour paths that are not specialised per type
    /// (the display loops are).</summary>
    public static double At(Array pixels, SampleKind kind, int i) => kind switch
    {
        SampleKind.UInt8 => ((byte[])pixels)[i],
        SampleKind.Int8 => ((sbyte[])pixels)[i],
        SampleKind.UInt16 => ((ushort[])pixels)[i],
        SampleKind.Int16 => ((short[])pixels)[i],
        SampleKind.UInt32 => ((uint[])pixels)[i],
        SampleKind.Int32 => ((int[])pixels)[i],
        SampleKind.Float32 => ((float[])pixels)[i],
        SampleKind.Float64 => ((double[])pixels)[i],
        _ => throw new ArgumentException($"pixel samples of type {pixels.GetType().Name} are not supported"),
    };
}
