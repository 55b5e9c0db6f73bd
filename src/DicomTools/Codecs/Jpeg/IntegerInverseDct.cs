using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace DicomTools.Codecs.Jpeg;

/// <summary>
/// The exact-integer inverse DCT that IJG libjpeg uses by default (JDCT_ISLOW), and so DCMTK's dcmjpeg, GDCM and
/// libjpeg-turbo (PIL): the Loeffler-Ligtenberg-Moschytz factorisation, variant with 12 multiplications, in which
/// no path through the butterfly holds more than one multiplication. Constants are the cosine combinations scaled
/// by 2^13 and rounded; a column pass keeps PASS1 extra fraction bits (2 for 8-bit samples, 1 for 12-bit, so the
/// intermediate sums stay within 32 bits), and a row pass removes them together with the 2^13 and the factor 8 of
/// the unnormalised 2-D transform. Every shift rounds half up (add half, shift arithmetically). Samples outside
/// the range are clamped through a table indexed by the result modulo 4 * 2^P, as libjpeg does, so even
/// out-of-range garbage maps to the same sample as there.
/// Intermediate values are 64-bit, as libjpeg's INT32 (a C long) is on the 64-bit platforms DCMTK and PIL run on;
/// the column pass truncates to 32 bits where libjpeg stores into its int workspace.
/// Three paths compute the same samples: 32-bit lanes of 256 bits (AVX2) or 128 bits (SSE2 on x64, AdvSimd on ARM64,
/// through the portable Vector128 API), each declining blocks too large for 32 bits to stay exact, and the scalar
/// path for those and for machines without SIMD.
/// </summary>
internal sealed class IntegerInverseDct
{
    private const int ConstBits = 13;

    // 2^13-scaled constants of the butterfly. c(k) = cos(k*pi/16); each product carries a factor sqrt(2) because
    // the 1-D stages leave their output sqrt(8) too large and that is removed by the final shift instead.
    private const long Sqrt2C6 = 4433;                 // sqrt2 * c6                     = 0.541196100
    private const long Sqrt2C2PlusC6 = 15137;          // sqrt2 * (c2 + c6)              = 1.847759065
    private const long Sqrt2C2MinusC6 = 6270;          // sqrt2 * (c2 - c6)              = 0.765366865
    private const long Sqrt2C3 = 9633;                 // sqrt2 * c3                     = 1.175875602
    private const long Odd7 = 2446;                    // sqrt2 * (-c1 + c3 + c5 - c7)   = 0.298631336
    private const long Odd5 = 16819;                   // sqrt2 * ( c1 + c3 - c5 + c7)   = 2.053119869
    private const long Odd3 = 25172;                   // sqrt2 * ( c1 + c3 + c5 - c7)   = 3.072711026
    private const long Odd1 = 12299;                   // sqrt2 * ( c1 + c3 - c5 - c7)   = 1.501321110
    private const long Sqrt2C7MinusC3 = -7373;         // sqrt2 * (c7 - c3)              = -0.899976223
    private const long Sqrt2MinusC1MinusC3 = -20995;   // sqrt2 * (-c1 - c3)             = -2.562915447
    private const long Sqrt2MinusC3MinusC5 = -16069;   // sqrt2 * (-c3 - c5)             = -1.961570560
    private const long Sqrt2C5MinusC3 = -3196;         // sqrt2 * (c5 - c3)              = -0.390180644

    /// <summary>The fastest path this machine runs.</summary>
    internal static IdctPath BestPath { get; } =
        Vector256.IsHardwareAccelerated && Avx2.IsSupported ? IdctPath.Vector256
        : Vector128.IsHardwareAccelerated ? IdctPath.Vector128
        : IdctPath.Scalar;

    /// <summary>Whether this machine can run <paramref name="path"/>.</summary>
    internal static bool IsSupported(IdctPath path) => path <= BestPath;

    /// <summary>
    /// Tests only: the path <see cref="For(int)"/> hands out on the current thread (null: <see cref="BestPath"/>).
    /// Thread-static, so a test forcing a path cannot change what other tests running in parallel decode with.
    /// </summary>
    [ThreadStatic]
    internal static IdctPath? ForcedPath;

    // One instance per precision and path; the tables are small and built on first use.
    private static readonly Lazy<IntegerInverseDct>[] Instances = Enumerable.Range(0, 6)
        .Select(i => new Lazy<IntegerInverseDct>(() => new IntegerInverseDct(i < 3 ? 8 : 12, (IdctPath)(i % 3)))).ToArray();

    private readonly int _pass1Bits;
    private readonly short[] _rangeLimit;
    private readonly int _rangeMask;
    private readonly IdctPath _path;

    private IntegerInverseDct(int precision, IdctPath path)
    {
        Precision = precision;
        _path = path;
        _pass1Bits = precision <= 8 ? 2 : 1;
        int levels = 1 << precision;
        int center = levels >> 1;
        // The table covers 4 * 2^P residues of the (level-unshifted) result: read as a two's-complement number of
        // P + 2 bits, then shifted to the sample centre and clamped to 0..2^P-1.
        int size = 4 * levels;
        _rangeMask = size - 1;
        _rangeLimit = new short[size];
        for (int i = 0; i < size; i++)
        {
            int signed = i < size / 2 ? i : i - size;
            _rangeLimit[i] = (short)Math.Clamp(signed + center, 0, levels - 1);
        }
    }

    /// <summary>The transform for 8-bit samples (2 fraction bits between passes) or 12-bit (1).</summary>
    public static IntegerInverseDct For(int precision) => For(precision, ForcedPath ?? BestPath);

    /// <summary>The transform computed through <paramref name="path"/>, which this machine must support.</summary>
    internal static IntegerInverseDct For(int precision, IdctPath path)
    {
        if (!IsSupported(path)) throw new PlatformNotSupportedException($"The {path} inverse DCT needs SIMD this machine lacks (best: {BestPath}).");
        return Instances[(precision <= 8 ? 0 : 3) + (int)path].Value;
    }

    public int Precision { get; }

    /// <summary>The path this instance computes through.</summary>
    internal IdctPath Route => _path;

    /// <summary>
    /// Dequantizes <paramref name="coefficients"/> (64 quantized values in natural, row-major order: index
    /// 8 * vertical frequency + horizontal frequency) with <paramref name="quantization"/> (same order) and writes
    /// the 8x8 samples, level-shifted and range-limited, to <paramref name="output"/> with rows
    /// <paramref name="stride"/> apart. <paramref name="workspace"/> holds 64 values between the passes.
    /// </summary>
    public void Transform(ReadOnlySpan<short> coefficients, ReadOnlySpan<int> quantization, Span<int> workspace, Span<short> output, int stride)
    {
        coefficients = coefficients.Slice(0, 64);
        quantization = quantization.Slice(0, 64);
        workspace = workspace.Slice(0, 64);
        _ = output[7 * stride + 7]; // one bounds check up front for the whole block
        switch (_path)
        {
            case IdctPath.Vector256 when Avx2.IsSupported && TransformVector(coefficients, quantization, output, stride):
                return;
            case IdctPath.Vector128 when Vector128.IsHardwareAccelerated && TransformVector128(coefficients, quantization, output, stride):
                return;
        }
        TransformScalar(coefficients, quantization, workspace, output, stride);
    }

    /// <summary>The portable path of <see cref="Transform"/>, in 64-bit arithmetic as libjpeg's INT32 on LP64.</summary>
    internal void TransformScalar(ReadOnlySpan<short> coefficients, ReadOnlySpan<int> quantization, Span<int> workspace, Span<short> output, int stride)
    {
        coefficients = coefficients.Slice(0, 64);
        quantization = quantization.Slice(0, 64);
        workspace = workspace.Slice(0, 64);
        _ = output[7 * stride + 7];

        int pass1Bits = _pass1Bits;
        int columnShift = ConstBits - pass1Bits;
        long columnHalf = 1L << (columnShift - 1);
        for (int column = 0; column < 8; column++)
        {
            // A column with no AC term is flat: its value is the DC term with the pass-1 fraction bits, exactly
            // what the full butterfly would give, only faster (most columns of a typical block are like this).
            if (coefficients[8 + column] == 0 && coefficients[16 + column] == 0 && coefficients[24 + column] == 0 &&
                coefficients[32 + column] == 0 && coefficients[40 + column] == 0 && coefficients[48 + column] == 0 &&
                coefficients[56 + column] == 0)
            {
                int flat = (int)((long)coefficients[column] * quantization[column] << pass1Bits);
                for (int row = 0; row < 8; row++) workspace[8 * row + column] = flat;
                continue;
            }
            Octet x;
            x.V0 = (long)coefficients[column] * quantization[column];
            x.V1 = (long)coefficients[8 + column] * quantization[8 + column];
            x.V2 = (long)coefficients[16 + column] * quantization[16 + column];
            x.V3 = (long)coefficients[24 + column] * quantization[24 + column];
            x.V4 = (long)coefficients[32 + column] * quantization[32 + column];
            x.V5 = (long)coefficients[40 + column] * quantization[40 + column];
            x.V6 = (long)coefficients[48 + column] * quantization[48 + column];
            x.V7 = (long)coefficients[56 + column] * quantization[56 + column];
            Butterfly(ref x);
            workspace[column] = (int)((x.V0 + columnHalf) >> columnShift);
            workspace[8 + column] = (int)((x.V1 + columnHalf) >> columnShift);
            workspace[16 + column] = (int)((x.V2 + columnHalf) >> columnShift);
            workspace[24 + column] = (int)((x.V3 + columnHalf) >> columnShift);
            workspace[32 + column] = (int)((x.V4 + columnHalf) >> columnShift);
            workspace[40 + column] = (int)((x.V5 + columnHalf) >> columnShift);
            workspace[48 + column] = (int)((x.V6 + columnHalf) >> columnShift);
            workspace[56 + column] = (int)((x.V7 + columnHalf) >> columnShift);
        }

        short[] limit = _rangeLimit;
        int mask = _rangeMask;
        int rowShift = ConstBits + pass1Bits + 3;
        long rowHalf = 1L << (rowShift - 1);
        for (int row = 0; row < 8; row++)
        {
            ReadOnlySpan<int> w = workspace.Slice(8 * row, 8);
            Span<short> target = output.Slice(row * stride, 8);
            if (w[1] == 0 && w[2] == 0 && w[3] == 0 && w[4] == 0 && w[5] == 0 && w[6] == 0 && w[7] == 0)
            {
                // Flat row: the same rounding as the butterfly's, applied to the lone DC term.
                int flatShift = pass1Bits + 3;
                short flat = limit[(int)(((long)w[0] + (1L << (flatShift - 1))) >> flatShift) & mask];
                target.Fill(flat);
                continue;
            }
            Octet y;
            y.V0 = w[0]; y.V1 = w[1]; y.V2 = w[2]; y.V3 = w[3]; y.V4 = w[4]; y.V5 = w[5]; y.V6 = w[6]; y.V7 = w[7];
            Butterfly(ref y);
            target[0] = limit[(int)((y.V0 + rowHalf) >> rowShift) & mask];
            target[1] = limit[(int)((y.V1 + rowHalf) >> rowShift) & mask];
            target[2] = limit[(int)((y.V2 + rowHalf) >> rowShift) & mask];
            target[3] = limit[(int)((y.V3 + rowHalf) >> rowShift) & mask];
            target[4] = limit[(int)((y.V4 + rowHalf) >> rowShift) & mask];
            target[5] = limit[(int)((y.V5 + rowHalf) >> rowShift) & mask];
            target[6] = limit[(int)((y.V6 + rowHalf) >> rowShift) & mask];
            target[7] = limit[(int)((y.V7 + rowHalf) >> rowShift) & mask];
        }
    }

    // Largest dequantized coefficient for which every value the 32-bit vector path computes fits 32 bits, so it
    // equals the 64-bit scalar path (and libjpeg): each output of a 1-D pass is a sum of inputs times constants whose
    // magnitudes add up to under 62000 (8192 + 11585 * sum |cos|), intermediate overflow wraps harmlessly (two's
    // complement arithmetic is exact modulo 2^32 up to the final shift). Column pass: 62000 * M < 2^31. Row pass:
    // its inputs are at most 62000 * M / 2^(13 - PASS1) + 1, so 62000 * (that) < 2^31: M <= 1140 for 8 bits
    // (PASS1 = 2), M <= 2270 for 12 bits (PASS1 = 1). Blocks above fall back to the scalar path.
    private int VectorLimit => _pass1Bits == 2 ? 1140 : 2270;

    /// <summary>
    /// The same transform, eight columns (then eight rows) at a time in 32-bit AVX2 lanes. Returns false, having
    /// written nothing, when a dequantized coefficient is too large for 32 bits to stay exact.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TransformVector(ReadOnlySpan<short> coefficients, ReadOnlySpan<int> quantization, Span<short> output, int stride)
    {
        ref short c = ref MemoryMarshal.GetReference(coefficients);
        ref int q = ref MemoryMarshal.GetReference(quantization);
        Vector256<int> r0 = Dequantize(ref c, ref q, 0), r1 = Dequantize(ref c, ref q, 1);
        Vector256<int> r2 = Dequantize(ref c, ref q, 2), r3 = Dequantize(ref c, ref q, 3);
        Vector256<int> r4 = Dequantize(ref c, ref q, 4), r5 = Dequantize(ref c, ref q, 5);
        Vector256<int> r6 = Dequantize(ref c, ref q, 6), r7 = Dequantize(ref c, ref q, 7);
        // Compared unsigned: the absolute value of int.MinValue stays 0x80000000 and so counts as too large.
        Vector256<uint> max = Vector256.Max(Vector256.Max(Vector256.Max(Avx2.Abs(r0), Avx2.Abs(r1)), Vector256.Max(Avx2.Abs(r2), Avx2.Abs(r3))),
            Vector256.Max(Vector256.Max(Avx2.Abs(r4), Avx2.Abs(r5)), Vector256.Max(Avx2.Abs(r6), Avx2.Abs(r7))));
        if (Vector256.GreaterThanAny(max, Vector256.Create((uint)VectorLimit))) return false;

        int pass1Bits = _pass1Bits;
        int columnShift = ConstBits - pass1Bits;
        Butterfly(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7, 1 << (columnShift - 1), columnShift);
        Transpose(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
        int rowShift = ConstBits + pass1Bits + 3;
        Butterfly(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7, 1 << (rowShift - 1), rowShift);
        Transpose(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);

        // libjpeg's range limit: the result modulo 4 * 2^P read as signed, shifted to the centre, clamped.
        int levels = (_rangeMask + 1) >> 2;
        var mask = Vector256.Create(_rangeMask);
        var half = Vector256.Create(2 * levels);
        var centre = Vector256.Create(levels >> 1);
        var top = Vector256.Create(levels - 1);
        ref short o = ref MemoryMarshal.GetReference(output);
        Store(ref o, 0 * stride, r0, mask, half, centre, top);
        Store(ref o, 1 * stride, r1, mask, half, centre, top);
        Store(ref o, 2 * stride, r2, mask, half, centre, top);
        Store(ref o, 3 * stride, r3, mask, half, centre, top);
        Store(ref o, 4 * stride, r4, mask, half, centre, top);
        Store(ref o, 5 * stride, r5, mask, half, centre, top);
        Store(ref o, 6 * stride, r6, mask, half, centre, top);
        Store(ref o, 7 * stride, r7, mask, half, centre, top);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Dequantize(ref short c, ref int q, int row) =>
        Avx2.ConvertToVector256Int32(Vector128.LoadUnsafe(ref c, (nuint)(8 * row))) * Vector256.LoadUnsafe(ref q, (nuint)(8 * row));

    /// <summary>
    /// Eight samples into a row: (value mod 4 * 2^P) read as signed, plus the centre 2^(P-1), clamped to
    /// 0..2^P-1: the table look-up of the scalar path, in lanes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ref short output, int offset, Vector256<int> value, Vector256<int> mask, Vector256<int> half,
        Vector256<int> centre, Vector256<int> top)
    {
        Vector256<int> wrapped = ((value & mask) ^ half) - half;
        Vector256<int> clamped = Vector256.Min(Vector256.Max(wrapped + centre, Vector256<int>.Zero), top);
        Sse2.PackSignedSaturate(clamped.GetLower(), clamped.GetUpper()).StoreUnsafe(ref output, (nuint)offset);
    }

    /// <summary>The butterfly of <see cref="Butterfly(ref Octet)"/> on eight lanes, then the rounding shift.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Butterfly(ref Vector256<int> v0, ref Vector256<int> v1, ref Vector256<int> v2, ref Vector256<int> v3,
        ref Vector256<int> v4, ref Vector256<int> v5, ref Vector256<int> v6, ref Vector256<int> v7, int half, int shift)
    {
        Vector256<int> rotation = (v2 + v6) * Vector256.Create((int)Sqrt2C6);
        Vector256<int> evenOdd = rotation - v6 * Vector256.Create((int)Sqrt2C2PlusC6);
        Vector256<int> evenEven = rotation + v2 * Vector256.Create((int)Sqrt2C2MinusC6);
        Vector256<int> sum = Vector256.ShiftLeft(v0 + v4, ConstBits);
        Vector256<int> difference = Vector256.ShiftLeft(v0 - v4, ConstBits);
        var rounding = Vector256.Create(half);
        Vector256<int> e0 = sum + evenEven + rounding;
        Vector256<int> e3 = sum - evenEven + rounding;
        Vector256<int> e1 = difference + evenOdd + rounding;
        Vector256<int> e2 = difference - evenOdd + rounding;

        Vector256<int> a = v7 + v1, b = v5 + v3, c = v7 + v3, d = v5 + v1;
        Vector256<int> shared = (c + d) * Vector256.Create((int)Sqrt2C3);
        a *= Vector256.Create((int)Sqrt2C7MinusC3);
        b *= Vector256.Create((int)Sqrt2MinusC1MinusC3);
        c = c * Vector256.Create((int)Sqrt2MinusC3MinusC5) + shared;
        d = d * Vector256.Create((int)Sqrt2C5MinusC3) + shared;
        Vector256<int> o7 = v7 * Vector256.Create((int)Odd7) + a + c;
        Vector256<int> o5 = v5 * Vector256.Create((int)Odd5) + b + d;
        Vector256<int> o3 = v3 * Vector256.Create((int)Odd3) + b + c;
        Vector256<int> o1 = v1 * Vector256.Create((int)Odd1) + a + d;

        v0 = Vector256.ShiftRightArithmetic(e0 + o1, shift);
        v7 = Vector256.ShiftRightArithmetic(e0 - o1, shift);
        v1 = Vector256.ShiftRightArithmetic(e1 + o3, shift);
        v6 = Vector256.ShiftRightArithmetic(e1 - o3, shift);
        v2 = Vector256.ShiftRightArithmetic(e2 + o5, shift);
        v5 = Vector256.ShiftRightArithmetic(e2 - o5, shift);
        v3 = Vector256.ShiftRightArithmetic(e3 + o7, shift);
        v4 = Vector256.ShiftRightArithmetic(e3 - o7, shift);
    }

    /// <summary>8x8 transpose of 32-bit lanes: rows become columns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose(ref Vector256<int> r0, ref Vector256<int> r1, ref Vector256<int> r2, ref Vector256<int> r3,
        ref Vector256<int> r4, ref Vector256<int> r5, ref Vector256<int> r6, ref Vector256<int> r7)
    {
        Vector256<int> t0 = Avx2.UnpackLow(r0, r1), t1 = Avx2.UnpackHigh(r0, r1);
        Vector256<int> t2 = Avx2.UnpackLow(r2, r3), t3 = Avx2.UnpackHigh(r2, r3);
        Vector256<int> t4 = Avx2.UnpackLow(r4, r5), t5 = Avx2.UnpackHigh(r4, r5);
        Vector256<int> t6 = Avx2.UnpackLow(r6, r7), t7 = Avx2.UnpackHigh(r6, r7);
        Vector256<int> u0 = Avx2.UnpackLow(t0.AsInt64(), t2.AsInt64()).AsInt32(), u1 = Avx2.UnpackHigh(t0.AsInt64(), t2.AsInt64()).AsInt32();
        Vector256<int> u2 = Avx2.UnpackLow(t1.AsInt64(), t3.AsInt64()).AsInt32(), u3 = Avx2.UnpackHigh(t1.AsInt64(), t3.AsInt64()).AsInt32();
        Vector256<int> u4 = Avx2.UnpackLow(t4.AsInt64(), t6.AsInt64()).AsInt32(), u5 = Avx2.UnpackHigh(t4.AsInt64(), t6.AsInt64()).AsInt32();
        Vector256<int> u6 = Avx2.UnpackLow(t5.AsInt64(), t7.AsInt64()).AsInt32(), u7 = Avx2.UnpackHigh(t5.AsInt64(), t7.AsInt64()).AsInt32();
        r0 = Avx2.Permute2x128(u0, u4, 0x20);
        r1 = Avx2.Permute2x128(u1, u5, 0x20);
        r2 = Avx2.Permute2x128(u2, u6, 0x20);
        r3 = Avx2.Permute2x128(u3, u7, 0x20);
        r4 = Avx2.Permute2x128(u0, u4, 0x31);
        r5 = Avx2.Permute2x128(u1, u5, 0x31);
        r6 = Avx2.Permute2x128(u2, u6, 0x31);
        r7 = Avx2.Permute2x128(u3, u7, 0x31);
    }

    /// <summary>
    /// The same transform in 128-bit vectors of four 32-bit lanes, for SSE2 and ARM64's AdvSimd alike: each row of
    /// the block is two vectors, left (columns 0-3) and right (4-7), and the two halves go through the butterfly
    /// side by side. Returns false, having written nothing, when a dequantized coefficient is too large for 32 bits
    /// to stay exact (the limit of the AVX2 path: the arithmetic is the same).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TransformVector128(ReadOnlySpan<short> coefficients, ReadOnlySpan<int> quantization, Span<short> output, int stride)
    {
        ref short c = ref MemoryMarshal.GetReference(coefficients);
        ref int q = ref MemoryMarshal.GetReference(quantization);
        Dequantize(ref c, ref q, 0, out Vector128<int> l0, out Vector128<int> r0);
        Dequantize(ref c, ref q, 1, out Vector128<int> l1, out Vector128<int> r1);
        Dequantize(ref c, ref q, 2, out Vector128<int> l2, out Vector128<int> r2);
        Dequantize(ref c, ref q, 3, out Vector128<int> l3, out Vector128<int> r3);
        Dequantize(ref c, ref q, 4, out Vector128<int> l4, out Vector128<int> r4);
        Dequantize(ref c, ref q, 5, out Vector128<int> l5, out Vector128<int> r5);
        Dequantize(ref c, ref q, 6, out Vector128<int> l6, out Vector128<int> r6);
        Dequantize(ref c, ref q, 7, out Vector128<int> l7, out Vector128<int> r7);
        // Compared unsigned: the absolute value of int.MinValue stays 0x80000000 and so counts as too large.
        Vector128<int> left = Vector128.Max(Vector128.Max(Vector128.Max(Vector128.Abs(l0).AsUInt32(), Vector128.Abs(l1).AsUInt32()),
                Vector128.Max(Vector128.Abs(l2).AsUInt32(), Vector128.Abs(l3).AsUInt32())),
            Vector128.Max(Vector128.Max(Vector128.Abs(l4).AsUInt32(), Vector128.Abs(l5).AsUInt32()),
                Vector128.Max(Vector128.Abs(l6).AsUInt32(), Vector128.Abs(l7).AsUInt32()))).AsInt32();
        Vector128<int> right = Vector128.Max(Vector128.Max(Vector128.Max(Vector128.Abs(r0).AsUInt32(), Vector128.Abs(r1).AsUInt32()),
                Vector128.Max(Vector128.Abs(r2).AsUInt32(), Vector128.Abs(r3).AsUInt32())),
            Vector128.Max(Vector128.Max(Vector128.Abs(r4).AsUInt32(), Vector128.Abs(r5).AsUInt32()),
                Vector128.Max(Vector128.Abs(r6).AsUInt32(), Vector128.Abs(r7).AsUInt32()))).AsInt32();
        if (Vector128.GreaterThanAny(Vector128.Max(left.AsUInt32(), right.AsUInt32()), Vector128.Create((uint)VectorLimit))) return false;

        int pass1Bits = _pass1Bits;
        int columnShift = ConstBits - pass1Bits;
        int columnHalf = 1 << (columnShift - 1);
        // Column pass: the vectors are rows, so the butterfly runs down the four columns of each half at once.
        Butterfly(ref l0, ref l1, ref l2, ref l3, ref l4, ref l5, ref l6, ref l7, columnHalf, columnShift);
        Butterfly(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7, columnHalf, columnShift);
        Transpose(ref l0, ref l1, ref l2, ref l3, ref l4, ref l5, ref l6, ref l7, ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
        int rowShift = ConstBits + pass1Bits + 3;
        int rowHalf = 1 << (rowShift - 1);
        Butterfly(ref l0, ref l1, ref l2, ref l3, ref l4, ref l5, ref l6, ref l7, rowHalf, rowShift);
        Butterfly(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7, rowHalf, rowShift);
        Transpose(ref l0, ref l1, ref l2, ref l3, ref l4, ref l5, ref l6, ref l7, ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);

        int levels = (_rangeMask + 1) >> 2;
        var mask = Vector128.Create(_rangeMask);
        var half = Vector128.Create(2 * levels);
        var centre = Vector128.Create(levels >> 1);
        var top = Vector128.Create(levels - 1);
        ref short o = ref MemoryMarshal.GetReference(output);
        Store(ref o, 0 * stride, l0, r0, mask, half, centre, top);
        Store(ref o, 1 * stride, l1, r1, mask, half, centre, top);
        Store(ref o, 2 * stride, l2, r2, mask, half, centre, top);
        Store(ref o, 3 * stride, l3, r3, mask, half, centre, top);
        Store(ref o, 4 * stride, l4, r4, mask, half, centre, top);
        Store(ref o, 5 * stride, l5, r5, mask, half, centre, top);
        Store(ref o, 6 * stride, l6, r6, mask, half, centre, top);
        Store(ref o, 7 * stride, l7, r7, mask, half, centre, top);
        return true;
    }

    /// <summary>One row of coefficients times its quantization steps, as 32-bit left and right halves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Dequantize(ref short c, ref int q, int row, out Vector128<int> left, out Vector128<int> right)
    {
        Vector128<short> coefficients = Vector128.LoadUnsafe(ref c, (nuint)(8 * row));
        left = Vector128.WidenLower(coefficients) * Vector128.LoadUnsafe(ref q, (nuint)(8 * row));
        right = Vector128.WidenUpper(coefficients) * Vector128.LoadUnsafe(ref q, (nuint)(8 * row + 4));
    }

    /// <summary>A row of eight samples from its halves, range-limited as <see cref="Store(ref short, int, Vector256{int}, Vector256{int}, Vector256{int}, Vector256{int}, Vector256{int})"/> does.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ref short output, int offset, Vector128<int> left, Vector128<int> right, Vector128<int> mask,
        Vector128<int> half, Vector128<int> centre, Vector128<int> top)
    {
        Vector128<int> l = Vector128.Min(Vector128.Max((((left & mask) ^ half) - half) + centre, Vector128<int>.Zero), top);
        Vector128<int> r = Vector128.Min(Vector128.Max((((right & mask) ^ half) - half) + centre, Vector128<int>.Zero), top);
        // Both halves are within 0..4095 now, so narrowing drops nothing.
        Vector128.Narrow(l, r).StoreUnsafe(ref output, (nuint)offset);
    }

    /// <summary>The butterfly of <see cref="Butterfly(ref Octet)"/> on four lanes, then the rounding shift.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Butterfly(ref Vector128<int> v0, ref Vector128<int> v1, ref Vector128<int> v2, ref Vector128<int> v3,
        ref Vector128<int> v4, ref Vector128<int> v5, ref Vector128<int> v6, ref Vector128<int> v7, int half, int shift)
    {
        Vector128<int> rotation = (v2 + v6) * Vector128.Create((int)Sqrt2C6);
        Vector128<int> evenOdd = rotation - v6 * Vector128.Create((int)Sqrt2C2PlusC6);
        Vector128<int> evenEven = rotation + v2 * Vector128.Create((int)Sqrt2C2MinusC6);
        Vector128<int> sum = Vector128.ShiftLeft(v0 + v4, ConstBits);
        Vector128<int> difference = Vector128.ShiftLeft(v0 - v4, ConstBits);
        var rounding = Vector128.Create(half);
        Vector128<int> e0 = sum + evenEven + rounding;
        Vector128<int> e3 = sum - evenEven + rounding;
        Vector128<int> e1 = difference + evenOdd + rounding;
        Vector128<int> e2 = difference - evenOdd + rounding;

        Vector128<int> a = v7 + v1, b = v5 + v3, c = v7 + v3, d = v5 + v1;
        Vector128<int> shared = (c + d) * Vector128.Create((int)Sqrt2C3);
        a *= Vector128.Create((int)Sqrt2C7MinusC3);
        b *= Vector128.Create((int)Sqrt2MinusC1MinusC3);
        c = c * Vector128.Create((int)Sqrt2MinusC3MinusC5) + shared;
        d = d * Vector128.Create((int)Sqrt2C5MinusC3) + shared;
        Vector128<int> o7 = v7 * Vector128.Create((int)Odd7) + a + c;
        Vector128<int> o5 = v5 * Vector128.Create((int)Odd5) + b + d;
        Vector128<int> o3 = v3 * Vector128.Create((int)Odd3) + b + c;
        Vector128<int> o1 = v1 * Vector128.Create((int)Odd1) + a + d;

        v0 = Vector128.ShiftRightArithmetic(e0 + o1, shift);
        v7 = Vector128.ShiftRightArithmetic(e0 - o1, shift);
        v1 = Vector128.ShiftRightArithmetic(e1 + o3, shift);
        v6 = Vector128.ShiftRightArithmetic(e1 - o3, shift);
        v2 = Vector128.ShiftRightArithmetic(e2 + o5, shift);
        v5 = Vector128.ShiftRightArithmetic(e2 - o5, shift);
        v3 = Vector128.ShiftRightArithmetic(e3 + o7, shift);
        v4 = Vector128.ShiftRightArithmetic(e3 - o7, shift);
    }

    /// <summary>
    /// 8x8 transpose of a block held as left halves l0..l7 and right halves r0..r7: four 4x4 transposes, the two
    /// off-diagonal quarters trading places (the top-right quarter's columns become the bottom-left's rows).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose(ref Vector128<int> l0, ref Vector128<int> l1, ref Vector128<int> l2, ref Vector128<int> l3,
        ref Vector128<int> l4, ref Vector128<int> l5, ref Vector128<int> l6, ref Vector128<int> l7,
        ref Vector128<int> r0, ref Vector128<int> r1, ref Vector128<int> r2, ref Vector128<int> r3,
        ref Vector128<int> r4, ref Vector128<int> r5, ref Vector128<int> r6, ref Vector128<int> r7)
    {
        Transpose4(ref l0, ref l1, ref l2, ref l3); // top left stays
        Transpose4(ref r4, ref r5, ref r6, ref r7); // bottom right stays
        Transpose4(ref r0, ref r1, ref r2, ref r3); // top right becomes bottom left
        Transpose4(ref l4, ref l5, ref l6, ref l7); // bottom left becomes top right
        (r0, l4) = (l4, r0);
        (r1, l5) = (l5, r1);
        (r2, l6) = (l6, r2);
        (r3, l7) = (l7, r3);
    }

    /// <summary>4x4 transpose of 32-bit lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4(ref Vector128<int> a, ref Vector128<int> b, ref Vector128<int> c, ref Vector128<int> d)
    {
        Vector128<int> ab0 = InterleaveLow(a, b), ab1 = InterleaveHigh(a, b);   // a0 b0 a1 b1 | a2 b2 a3 b3
        Vector128<int> cd0 = InterleaveLow(c, d), cd1 = InterleaveHigh(c, d);   // c0 d0 c1 d1 | c2 d2 c3 d3
        a = InterleaveLow(ab0.AsInt64(), cd0.AsInt64()).AsInt32();              // a0 b0 c0 d0
        b = InterleaveHigh(ab0.AsInt64(), cd0.AsInt64()).AsInt32();             // a1 b1 c1 d1
        c = InterleaveLow(ab1.AsInt64(), cd1.AsInt64()).AsInt32();              // a2 b2 c2 d2
        d = InterleaveHigh(ab1.AsInt64(), cd1.AsInt64()).AsInt32();             // a3 b3 c3 d3
    }

    /// <summary>x0 y0 x1 y1...: the low halves of two vectors interleaved (SSE2 unpack-low, AdvSimd zip1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<T> InterleaveLow<T>(Vector128<T> x, Vector128<T> y) where T : unmanaged
    {
        if (typeof(T) == typeof(int))
        {
            if (Sse2.IsSupported) return Sse2.UnpackLow(x.AsInt32(), y.AsInt32()).As<int, T>();
            if (AdvSimd.Arm64.IsSupported) return AdvSimd.Arm64.ZipLow(x.AsInt32(), y.AsInt32()).As<int, T>();
        }
        else if (typeof(T) == typeof(long))
        {
            if (Sse2.IsSupported) return Sse2.UnpackLow(x.AsInt64(), y.AsInt64()).As<long, T>();
            if (AdvSimd.Arm64.IsSupported) return AdvSimd.Arm64.ZipLow(x.AsInt64(), y.AsInt64()).As<long, T>();
        }
        return InterleavePortable(x, y, 0);
    }

    /// <summary>The high halves of two vectors interleaved (SSE2 unpack-high, AdvSimd zip2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<T> InterleaveHigh<T>(Vector128<T> x, Vector128<T> y) where T : unmanaged
    {
        if (typeof(T) == typeof(int))
        {
            if (Sse2.IsSupported) return Sse2.UnpackHigh(x.AsInt32(), y.AsInt32()).As<int, T>();
            if (AdvSimd.Arm64.IsSupported) return AdvSimd.Arm64.ZipHigh(x.AsInt32(), y.AsInt32()).As<int, T>();
        }
        else if (typeof(T) == typeof(long))
        {
            if (Sse2.IsSupported) return Sse2.UnpackHigh(x.AsInt64(), y.AsInt64()).As<long, T>();
            if (AdvSimd.Arm64.IsSupported) return AdvSimd.Arm64.ZipHigh(x.AsInt64(), y.AsInt64()).As<long, T>();
        }
        return InterleavePortable(x, y, Vector128<T>.Count / 2);
    }

    /// <summary>Interleaving element by element from <paramref name="start"/>, for SIMD sets with no zip instruction
    /// the branches above know (and to check them against).</summary>
    internal static Vector128<T> InterleavePortable<T>(Vector128<T> x, Vector128<T> y, int start) where T : unmanaged
    {
        Span<T> lanes = stackalloc T[Vector128<T>.Count];
        for (int i = 0; i < lanes.Length / 2; i++)
        {
            lanes[2 * i] = x.GetElement(start + i);
            lanes[2 * i + 1] = y.GetElement(start + i);
        }
        return Vector128.Create<T>(lanes);
    }

    /// <summary>
    /// The transform of a block whose only non-zero coefficient is the DC term (most blocks of a typical image):
    /// every column is flat, so every row is too, and all 64 samples are the DC term rounded as the full
    /// transform's flat-row path rounds it.
    /// </summary>
    public void TransformDcOnly(int coefficient, int quantization, Span<short> output, int stride)
    {
        _ = output[7 * stride + 7];
        int pass1Bits = _pass1Bits;
        long column = (long)coefficient * quantization;
        int flat = (int)(column << pass1Bits); // the column pass keeps 32 bits, as libjpeg's workspace does
        int flatShift = pass1Bits + 3;
        short value = _rangeLimit[(int)(((long)flat + (1L << (flatShift - 1))) >> flatShift) & _rangeMask];
        for (int row = 0; row < 8; row++) output.Slice(row * stride, 8).Fill(value);
    }

    /// <summary>Eight values of one column or row, as the butterfly takes and gives them.</summary>
    private struct Octet
    {
        public long V0, V1, V2, V3, V4, V5, V6, V7;
    }

    /// <summary>
    /// One 8-point inverse transform of frequencies x.V0..V7 into samples, scaled by 2^13 * sqrt(8), in place.
    /// Even part: V0 and V4 give the DC and mid terms, V2 and V6 go through one rotation. Odd part: V1, V3, V5, V7
    /// through the shared-multiplier network, so each output path has one multiplication.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Butterfly(ref Octet x)
    {
        long rotation = (x.V2 + x.V6) * Sqrt2C6;
        long evenOdd = rotation - x.V6 * Sqrt2C2PlusC6;
        long evenEven = rotation + x.V2 * Sqrt2C2MinusC6;
        long sum = (x.V0 + x.V4) << ConstBits;
        long difference = (x.V0 - x.V4) << ConstBits;
        long e0 = sum + evenEven;
        long e3 = sum - evenEven;
        long e1 = difference + evenOdd;
        long e2 = difference - evenOdd;

        long x1 = x.V1, x3 = x.V3, x5 = x.V5, x7 = x.V7;
        long a = x7 + x1;
        long b = x5 + x3;
        long c = x7 + x3;
        long d = x5 + x1;
        long shared = (c + d) * Sqrt2C3;
        a *= Sqrt2C7MinusC3;
        b *= Sqrt2MinusC1MinusC3;
        c = c * Sqrt2MinusC3MinusC5 + shared;
        d = d * Sqrt2C5MinusC3 + shared;
        long o7 = x7 * Odd7 + a + c;
        long o5 = x5 * Odd5 + b + d;
        long o3 = x3 * Odd3 + b + c;
        long o1 = x1 * Odd1 + a + d;

        x.V0 = e0 + o1;
        x.V7 = e0 - o1;
        x.V1 = e1 + o3;
        x.V6 = e1 - o3;
        x.V2 = e2 + o5;
        x.V5 = e2 - o5;
        x.V3 = e3 + o7;
        x.V4 = e3 - o7;
    }
}

/// <summary>How <see cref="IntegerInverseDct"/> computes: each later path needs more SIMD (and does more per instruction).</summary>
internal enum IdctPath
{
    Scalar,
    Vector128,
    Vector256,
}
