using System.Runtime.CompilerServices;

namespace DicomTools.Codecs.Jpeg;

/// <summary>
/// Gets the quantized DCT coefficients of each block back from JpegLibrary, which only hands out spatial blocks
/// (its own floating-point inverse DCT, rounded, plus the level shift, not range-limited).
/// <para>
/// The codestream JpegLibrary is given has every quantization table replaced by one uniform step
/// <see cref="ProbeStep"/> (the entropy-coded data does not depend on the tables). Each block it returns is then
/// round(IDCT(<see cref="ProbeStep"/> * c)) + shift for the block's integer coefficients c. The JPEG DCT is
/// orthonormal, so the forward DCT of that block gives <see cref="ProbeStep"/> * c plus the forward DCT of the
/// rounding errors; those errors are at most 1/2 (plus a float error far below 1/16) in each of 64 samples, and
/// no basis function has an L1 norm above 8, so each coefficient is off by less than 4.5. A step of at least 10
/// therefore makes round(F / step) exactly c. The step is kept small enough that step * IDCT(c) stays within
/// JpegLibrary's 16-bit output for every block a valid codestream can produce (|IDCT(c)| &lt;= 2^(P-1) plus
/// quantization overshoot): 16 for 8-bit samples (room for 15 times the sample range), 12 for 12-bit (room for
/// 2559 levels each side of the centre, against 2048 in range).
/// </para>
/// </summary>
internal sealed class CoefficientRecovery
{
    private static readonly Lazy<CoefficientRecovery> Eight = new(() => new CoefficientRecovery(8));
    private static readonly Lazy<CoefficientRecovery> Twelve = new(() => new CoefficientRecovery(12));

    /// <summary>Forward DCT basis: row u holds C(u)/2 * cos((2x+1) u pi / 16), C(0) = 1/sqrt(2).</summary>
    private readonly double[] _basis = new double[64];

    /// <summary>The same basis divided by the probe step, for the second (column) pass.</summary>
    private readonly double[] _scaledBasis = new double[64];

    private CoefficientRecovery(int precision)
    {
        ProbeStep = precision <= 8 ? 16 : 12;
        LevelShift = 1 << (precision - 1);
        for (int u = 0; u < 8; u++)
        {
            double scale = u == 0 ? Math.Sqrt(0.5) / 2 : 0.5;
            for (int x = 0; x < 8; x++)
            {
                _basis[8 * u + x] = scale * Math.Cos((2 * x + 1) * u * Math.PI / 16);
                _scaledBasis[8 * u + x] = _basis[8 * u + x] / ProbeStep;
            }
        }
    }

    public static CoefficientRecovery For(int precision) => precision <= 8 ? Eight.Value : Twelve.Value;

    /// <summary>The uniform quantization step written into the codestream in place of every table entry.</summary>
    public int ProbeStep { get; }

    /// <summary>What JpegLibrary adds to its inverse DCT output: 2^(P-1).</summary>
    public int LevelShift { get; }

    /// <summary>
    /// Reads the 8x8 block JpegLibrary produced (rows <paramref name="stride"/> apart in <paramref name="block"/>)
    /// and writes its 64 quantized coefficients, natural order, to <paramref name="coefficients"/>.
    /// <paramref name="workspace"/> holds 64 intermediate values.
    /// </summary>
    [SkipLocalsInit]
    public void Recover(ReadOnlySpan<short> block, int stride, Span<double> workspace, Span<int> coefficients)
    {
        ReadOnlySpan<double> basis = _basis;
        ReadOnlySpan<double> scaled = _scaledBasis;
        workspace = workspace.Slice(0, 64);
        coefficients = coefficients.Slice(0, 64);
        _ = block[7 * stride + 7];
        int shift = LevelShift;

        Span<double> samples = stackalloc double[8];
        for (int y = 0; y < 8; y++)
        {
            ReadOnlySpan<short> row = block.Slice(y * stride, 8);
            for (int x = 0; x < 8; x++) samples[x] = row[x] - shift;
            for (int u = 0; u < 8; u++)
            {
                ReadOnlySpan<double> b = basis.Slice(8 * u, 8);
                workspace[8 * y + u] = b[0] * samples[0] + b[1] * samples[1] + b[2] * samples[2] + b[3] * samples[3]
                    + b[4] * samples[4] + b[5] * samples[5] + b[6] * samples[6] + b[7] * samples[7];
            }
        }
        for (int u = 0; u < 8; u++)
        {
            for (int v = 0; v < 8; v++)
            {
                ReadOnlySpan<double> b = scaled.Slice(8 * v, 8);
                double value = b[0] * workspace[u] + b[1] * workspace[8 + u] + b[2] * workspace[16 + u] + b[3] * workspace[24 + u]
                    + b[4] * workspace[32 + u] + b[5] * workspace[40 + u] + b[6] * workspace[48 + u] + b[7] * workspace[56 + u];
                // libjpeg keeps coefficients in 16 bits; only a damaged codestream gets near the limits.
                coefficients[8 * v + u] = (int)Math.Clamp(Math.Round(value), short.MinValue, short.MaxValue);
            }
        }
    }
}
