using DicomTools.Codecs.Jpeg;
using Xunit;

namespace DicomTools.Tests.Codecs;

/// <summary>
/// The inverse DCT behind bit-exact DCT decoding, against T.81's own definition of the inverse DCT (A.3.3) computed
/// in double precision: libjpeg's integer transform as we implement it. Whole-file agreement with libjpeg is
/// in <see cref="JpegDctDecoderTests"/>.
/// </summary>
public sealed class JpegIntegerIdctTests
{
    /// <summary>T.81 A.3.3: s(y,x) = 1/4 sum_u sum_v C(u) C(v) S(v,u) cos((2x+1)u pi/16) cos((2y+1)v pi/16).</summary>
    private static double[] ExactInverse(int[] coefficients, int[] steps)
    {
        var samples = new double[64];
        for (var y = 0; y < 8; y++)
        for (var x = 0; x < 8; x++)
        {
            double sum = 0;
            for (var v = 0; v < 8; v++)
            for (var u = 0; u < 8; u++)
            {
                var cu = u == 0 ? Math.Sqrt(0.5) : 1;
                var cv = v == 0 ? Math.Sqrt(0.5) : 1;
                sum += cu * cv * coefficients[8 * v + u] * steps[8 * v + u]
                    * Math.Cos((2 * x + 1) * u * Math.PI / 16) * Math.Cos((2 * y + 1) * v * Math.PI / 16);
            }
            samples[8 * y + x] = sum / 4;
        }
        return samples;
    }

    private static short[] Transform(int precision, int[] coefficients, int[] steps)
    {
        var output = new short[64];
        IntegerInverseDct.For(precision).Transform(Array.ConvertAll(coefficients, c => (short)c), steps, new int[64], output, 8);
        return output;
    }

    /// <summary>A block such as an encoder makes: a DC term and a few AC terms that fall off with frequency.</summary>
    private static int[] RandomBlock(Random random, int dcRange, int acRange)
    {
        var block = new int[64];
        block[0] = random.Next(-dcRange, dcRange + 1);
        for (var i = 1; i < 64; i++)
        {
            if (random.Next(3) != 0) continue;
            var falloff = 1 + i / 8 + i % 8;
            block[i] = random.Next(-acRange / falloff, acRange / falloff + 1);
        }
        return block;
    }

    [Theory]
    [InlineData(8)]
    [InlineData(12)]
    public void Integer_transform_is_within_one_level_of_the_exact_inverse_DCT(int precision)
    {
        var random = new Random(1180 + precision);
        var center = 1 << (precision - 1);
        var max = (1 << precision) - 1;
        var compared = 0;
        for (var trial = 0; trial < 2000; trial++)
        {
            var steps = Enumerable.Range(0, 64).Select(_ => random.Next(1, 12)).ToArray();
            var coefficients = RandomBlock(random, 8 * center / 12, 4 * center / 12);
            var exact = ExactInverse(coefficients, steps);
            // Results 2^P or more away from the centre wrap in libjpeg's range limit (tested below), not clamp.
            if (exact.Any(v => Math.Abs(v) > 2 * center)) continue;
            compared++;
            var actual = Transform(precision, coefficients, steps);
            for (var i = 0; i < 64; i++)
            {
                var expected = Math.Clamp(Math.Round(exact[i]) + center, 0, max);
                Assert.True(Math.Abs(actual[i] - expected) <= 1, $"trial {trial}, sample {i}: {actual[i]}, exact {exact[i] + center:F3}");
            }
        }
        Assert.True(compared > 1800, $"only {compared} blocks compared");
    }

    [Theory]
    [InlineData(8, 4, 129)]    // DC * Q / 8 = 0.5: halves round up
    [InlineData(8, -4, 128)]   // -0.5 rounds up to 0
    [InlineData(8, -12, 127)]  // -1.5 rounds up to -1
    [InlineData(8, 1000, 253)] // 125
    [InlineData(12, 4, 2049)]
    [InlineData(12, -12, 2047)]
    public void Flat_block_is_the_dc_term_over_8_rounded_half_up(int precision, int dc, int expected)
    {
        var coefficients = new int[64];
        coefficients[0] = dc;
        var steps = Enumerable.Repeat(1, 64).ToArray();
        Assert.All(Transform(precision, coefficients, steps), s => Assert.Equal(expected, s));
    }

    [Theory]
    [InlineData(8, 300 * 8, 255)]    // 300 above the centre: still below 512, clamped high
    [InlineData(8, 600 * 8, 0)]      // 600 is 600 - 1024 = -424 modulo 4 * 256: clamped low, as libjpeg's table does
    [InlineData(8, -600 * 8, 255)]   // and the other way round
    [InlineData(12, 9000 * 8, 0)]    // modulo 4 * 4096: 9000 - 16384
    public void Far_out_of_range_results_wrap_modulo_four_times_the_sample_range_before_clamping(int precision, int dc, int expected)
    {
        // libjpeg range-limits through a table indexed by the result modulo 4 * 2^P, so damaged data far out of
        // range lands where libjpeg puts it (the table covers 2^P - 2^(P-1) above and below the sample range).
        // The DC term is given as coefficient times step 8, so that it fits a 16-bit coefficient as in libjpeg.
        var coefficients = new int[64];
        coefficients[0] = dc / 8;
        var steps = Enumerable.Repeat(8, 64).ToArray();
        Assert.All(Transform(precision, coefficients, steps), s => Assert.Equal(expected, s));
    }

    [Theory]
    [InlineData(8)]
    [InlineData(12)]
    public void Vector_path_gives_the_scalar_path_s_samples_for_every_block_it_takes(int precision)
    {
        // The 32-bit AVX2 transform must equal the 64-bit scalar one (libjpeg's arithmetic) wherever it is used; it
        // declines blocks whose dequantized terms are too large, and those go the scalar way. Magnitudes span the
        // typical range, the limit and far past it, with random steps up to 255.
        var idct = IntegerInverseDct.For(precision);
        var random = new Random(1000 + precision);
        var center = 1 << (precision - 1);
        for (var trial = 0; trial < 20000; trial++)
        {
            var scale = trial % 4 switch { 0 => 1, 1 => 4, 2 => 16, _ => 64 };
            var coefficients = RandomBlock(random, Math.Min(32767, scale * center / 8), Math.Min(32767, scale * center / 16))
                .Select(c => (short)Math.Clamp(c, short.MinValue, short.MaxValue)).ToArray();
            var steps = Enumerable.Range(0, 64).Select(_ => random.Next(1, trial % 3 == 0 ? 256 : 17)).ToArray();
            var vector = new short[64];
            var scalar = new short[64];
            idct.Transform(coefficients, steps, new int[64], vector, 8);
            idct.TransformScalar(coefficients, steps, new int[64], scalar, 8);
            Assert.True(scalar.SequenceEqual(vector), $"trial {trial}: vector and scalar paths differ");
        }
    }
}
