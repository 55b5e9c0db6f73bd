using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DicomTools.Codecs.Jpeg;

/// <summary>
/// Gets the quantized DCT coefficients of each block of a sequential frame back from JpegLibrary, which only hands
/// out spatial blocks (its own floating-point inverse DCT, rounded, plus the level shift, cut to 16 bits, not
/// range-limited). Progressive frames do not need this (<see cref="CoefficientCapturingDecoder"/>).
/// <para>
/// The codestream JpegLibrary is given has every quantization table replaced by one uniform step
/// <see cref="ProbeStep"/> (the entropy-coded data does not depend on the tables). Each block it returns is then
/// round(IDCT(<see cref="ProbeStep"/> * c)) + shift for the block's integer coefficients c. The JPEG DCT is
/// orthonormal, so the forward DCT of that block gives <see cref="ProbeStep"/> * c plus the forward DCT of the
/// rounding errors; those errors are at most 1/2 (plus float noise far below 1/16) in each of 64 samples, and no
/// basis function has an L1 norm above 8, so each coefficient is off by at most 4 (a flat block whose samples all
/// sit on a half reaches it). A step above 8 therefore makes round(F / step) exactly c, and a block whose
/// scaled coefficients are further than <see cref="Tolerance"/> from integers cannot be a faithful probe output
/// (a damaged block passes by chance only if all 64 land that close: practically never).
/// </para>
/// <para>
/// The step is 16 for 8-bit samples (room in JpegLibrary's 16-bit output for 15 times the sample range) and 12 for
/// 12-bit (room for 2559 levels above the centre and 2901 below, against 2048 in range). Blocks that overshoot
/// further (sharp high-contrast edges under tables with steps of 1 at low and 4 or more at high frequencies, seen
/// in 12-bit images at quality 95 and above) wrap around in those 16 bits. Their residual gives them away, and
/// they are recovered with the help of a second decode at step 1 (<c>coarse</c> in <see cref="Recover"/>), which
/// cannot wrap and tells which multiple of 2^16 each sample lost.
/// </para>
/// </summary>
internal sealed class CoefficientRecovery
{
    /// <summary>
    /// Largest distance from an integer a scaled coefficient of a faithful probe block can have: 4, plus margin for
    /// float noise.
    /// </summary>
    public const double Tolerance = 4.25;

    private const int Wrap = 1 << 16;

    private static readonly Lazy<CoefficientRecovery> Eight = new(() => new CoefficientRecovery(8));
    private static readonly Lazy<CoefficientRecovery> Twelve = new(() => new CoefficientRecovery(12));

    /// <summary>
    /// Forward DCT basis by sample position: entry 2x holds C(u)/2 * cos((2x+1) u pi / 16) for u = 0..3, entry
    /// 2x+1 for u = 4..7 (C(0) = 1/sqrt(2)), so a row transform is 8 vector multiply-adds per half.
    /// </summary>
    private readonly Vector256<double>[] _rowBasis = new Vector256<double>[16];

    /// <summary>The basis by frequency, divided by the probe step, as scalars for the column transform.</summary>
    private readonly double[] _columnBasis = new double[64];

    private CoefficientRecovery(int precision)
    {
        ProbeStep = precision <= 8 ? 16 : 12;
        LevelShift = 1 << (precision - 1);
        Span<double> basis = stackalloc double[64];
        for (int u = 0; u < 8; u++)
        {
            double scale = u == 0 ? Math.Sqrt(0.5) / 2 : 0.5;
            for (int x = 0; x < 8; x++) basis[8 * u + x] = scale * Math.Cos((2 * x + 1) * u * Math.PI / 16);
        }
        for (int x = 0; x < 8; x++)
        {
            _rowBasis[2 * x] = Vector256.Create(basis[x], basis[8 + x], basis[16 + x], basis[24 + x]);
            _rowBasis[2 * x + 1] = Vector256.Create(basis[32 + x], basis[40 + x], basis[48 + x], basis[56 + x]);
        }
        for (int i = 0; i < 64; i++) _columnBasis[i] = basis[i] / ProbeStep;
    }

    public static CoefficientRecovery For(int precision) => precision <= 8 ? Eight.Value : Twelve.Value;

    /// <summary>The uniform quantization step written into the codestream in place of every table entry.</summary>
    public int ProbeStep { get; }

    /// <summary>What JpegLibrary adds to its inverse DCT output: 2^(P-1).</summary>
    public int LevelShift { get; }

    /// <summary>
    /// Reads the 8x8 block JpegLibrary produced (rows <paramref name="stride"/> apart in <paramref name="block"/>)
    /// and writes its 64 quantized coefficients, natural order, to <paramref name="coefficients"/>.
    /// <paramref name="coarse"/> is empty, or the same block decoded at step 1, used to undo 16-bit wrap-around.
    /// <paramref name="workspace"/> holds 64 intermediate values. Returns the largest distance of a scaled
    /// coefficient from its integer: above <see cref="Tolerance"/>, the block was not recovered.
    /// </summary>
    [SkipLocalsInit]
    public double Recover(ReadOnlySpan<short> block, ReadOnlySpan<short> coarse, int stride, Span<double> workspace, Span<int> coefficients)
    {
        workspace = workspace.Slice(0, 64);
        coefficients = coefficients.Slice(0, 64);
        _ = block[7 * stride + 7];
        if (!coarse.IsEmpty) _ = coarse[7 * stride + 7];
        int shift = LevelShift;
        int step = ProbeStep;
        Vector256<double>[] rowBasis = _rowBasis;

        Span<double> samples = stackalloc double[8];
        for (int y = 0; y < 8; y++)
        {
            ReadOnlySpan<short> row = block.Slice(y * stride, 8);
            if (coarse.IsEmpty)
            {
                for (int x = 0; x < 8; x++) samples[x] = row[x] - shift;
            }
            else
            {
                ReadOnlySpan<short> coarseRow = coarse.Slice(y * stride, 8);
                for (int x = 0; x < 8; x++)
                {
                    int value = row[x] - shift;
                    int expected = step * (coarseRow[x] - shift);
                    samples[x] = value + Wrap * (int)Math.Round((double)(expected - value) / Wrap);
                }
            }
            Vector256<double> low = Vector256<double>.Zero, high = Vector256<double>.Zero;
            for (int x = 0; x < 8; x++)
            {
                Vector256<double> sample = Vector256.Create(samples[x]);
                low += sample * rowBasis[2 * x];
                high += sample * rowBasis[2 * x + 1];
            }
            low.CopyTo(workspace.Slice(8 * y));
            high.CopyTo(workspace.Slice(8 * y + 4));
        }

        ReadOnlySpan<double> columnBasis = _columnBasis;
        Vector256<double> worst = Vector256<double>.Zero;
        // libjpeg keeps coefficients in 16 bits; only a damaged codestream gets near the limits.
        Vector256<double> lowest = Vector256.Create((double)short.MinValue), highest = Vector256.Create((double)short.MaxValue);
        for (int v = 0; v < 8; v++)
        {
            ReadOnlySpan<double> b = columnBasis.Slice(8 * v, 8);
            Vector256<double> low = Vector256<double>.Zero, high = Vector256<double>.Zero;
            for (int y = 0; y < 8; y++)
            {
                Vector256<double> weight = Vector256.Create(b[y]);
                low += weight * Vector256.Create<double>(workspace.Slice(8 * y, 4));
                high += weight * Vector256.Create<double>(workspace.Slice(8 * y + 4, 4));
            }
            Vector256<double> roundedLow = RoundToNearest(low), roundedHigh = RoundToNearest(high);
            worst = Vector256.Max(worst, Vector256.Max(Vector256.Abs(low - roundedLow), Vector256.Abs(high - roundedHigh)));
            Vector256.Narrow(
                Vector256.ConvertToInt64(Vector256.Min(Vector256.Max(roundedLow, lowest), highest)),
                Vector256.ConvertToInt64(Vector256.Min(Vector256.Max(roundedHigh, lowest), highest))).CopyTo(coefficients.Slice(8 * v));
        }
        double largest = Math.Max(Math.Max(worst[0], worst[1]), Math.Max(worst[2], worst[3]));
        return largest * step;
    }

    /// <summary>Rounds each lane to the nearest integer (halves to even, like <see cref="Math.Round(double)"/>).</summary>
    private static Vector256<double> RoundToNearest(Vector256<double> value)
    {
        if (Avx.IsSupported) return Avx.RoundToNearestInteger(value);
        return Vector256.Create(Math.Round(value[0]), Math.Round(value[1]), Math.Round(value[2]), Math.Round(value[3]));
    }
}
