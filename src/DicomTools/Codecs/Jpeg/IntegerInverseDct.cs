using System.Runtime.CompilerServices;

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

    private static readonly Lazy<IntegerInverseDct> Eight = new(() => new IntegerInverseDct(8));
    private static readonly Lazy<IntegerInverseDct> Twelve = new(() => new IntegerInverseDct(12));

    private readonly int _pass1Bits;
    private readonly short[] _rangeLimit;
    private readonly int _rangeMask;

    private IntegerInverseDct(int precision)
    {
        Precision = precision;
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
    public static IntegerInverseDct For(int precision) => precision <= 8 ? Eight.Value : Twelve.Value;

    public int Precision { get; }

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
