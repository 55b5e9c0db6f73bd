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

    /// <summary>The SIMD paths this machine runs (each test covers all of them; the scalar path is the reference).</summary>
    public static IEnumerable<object[]> VectorPaths() =>
        from path in new[] { IdctPath.Vector128, IdctPath.Vector256 }
        where IntegerInverseDct.IsSupported(path)
        from precision in new[] { 8, 12 }
        select new object[] { path.ToString(), precision };

    [Fact]
    public void This_machine_runs_at_least_the_128_bit_path()
    {
        // x64 always has SSE2 and ARM64 always has AdvSimd, so a machine without the 128-bit path would be a JIT that
        // lost its SIMD: the path tests below would then cover nothing, which must not pass quietly.
        if (System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture is System.Runtime.InteropServices.Architecture.X64
            or System.Runtime.InteropServices.Architecture.Arm64)
            Assert.True(IntegerInverseDct.IsSupported(IdctPath.Vector128), $"best inverse DCT path here: {IntegerInverseDct.BestPath}");
    }

    private static void AssertPathEqualsScalar(IntegerInverseDct vector, IntegerInverseDct scalar, short[] coefficients, int[] steps, string what)
    {
        // A stride wider than the block, with a guard pattern around it, also checks that nothing is written outside.
        const int stride = 11;
        var expected = Enumerable.Repeat((short)-7, 8 * stride).ToArray();
        var actual = Enumerable.Repeat((short)-7, 8 * stride).ToArray();
        scalar.TransformScalar(coefficients, steps, new int[64], expected, stride);
        vector.Transform(coefficients, steps, new int[64], actual, stride);
        if (!expected.SequenceEqual(actual))
        {
            var at = Enumerable.Range(0, actual.Length).First(i => actual[i] != expected[i]);
            Assert.Fail($"{vector.Route}, {vector.Precision}-bit, {what}: sample {at / stride},{at % stride} is {actual[at]}, scalar {expected[at]}");
        }
    }

    [Theory]
    [MemberData(nameof(VectorPaths))]
    public void Vector_path_gives_the_scalar_path_s_samples_on_random_blocks(string pathName, int precision)
    {
        var path = Enum.Parse<IdctPath>(pathName);
        // Magnitudes span the typical range, the 32-bit limit of the vector paths and far past it (those blocks go
        // the scalar way), with random steps up to 255 (8-bit tables) or 65535 (12-bit tables may be 16-bit).
        var vector = IntegerInverseDct.For(precision, path);
        var scalar = IntegerInverseDct.For(precision, IdctPath.Scalar);
        Assert.Equal(path, vector.Route);
        var random = new Random(1000 + precision + 7 * (int)path);
        var center = 1 << (precision - 1);
        var maxStep = precision == 8 ? 256 : 65536;
        for (var trial = 0; trial < 20000; trial++)
        {
            var scale = trial % 4 switch { 0 => 1, 1 => 4, 2 => 16, _ => 64 };
            var coefficients = RandomBlock(random, Math.Min(32767, scale * center / 8), Math.Min(32767, scale * center / 16))
                .Select(c => (short)Math.Clamp(c, short.MinValue, short.MaxValue)).ToArray();
            var steps = Enumerable.Range(0, 64).Select(_ => random.Next(1, trial % 3 == 0 ? (trial % 2 == 0 ? maxStep : 256) : 17)).ToArray();
            AssertPathEqualsScalar(vector, scalar, coefficients, steps, $"trial {trial}");
        }
    }

    [Theory]
    [MemberData(nameof(VectorPaths))]
    public void Vector_path_gives_the_scalar_path_s_samples_on_extreme_blocks(string pathName, int precision)
    {
        var path = Enum.Parse<IdctPath>(pathName);
        // Damaged data: every term at the vector paths' 32-bit limit (1140 for 8 bits, 2270 for 12) and one past it,
        // the 16-bit extremes with the largest steps (products near 2^31), alternating signs that push results far
        // out of range so libjpeg's modulo range limit wraps them, and every single term alone at the limit.
        var vector = IntegerInverseDct.For(precision, path);
        var scalar = IntegerInverseDct.For(precision, IdctPath.Scalar);
        int limit = precision == 8 ? 1140 : 2270;
        var ones = Enumerable.Repeat(1, 64).ToArray();
        var blocks = new List<(short[] Coefficients, int[] Steps, string What)>();
        foreach (var magnitude in new[] { limit - 1, limit, limit + 1, 32767 })
        foreach (var sign in new[] { 1, -1 })
        {
            blocks.Add((Enumerable.Repeat((short)(sign * magnitude), 64).ToArray(), ones, $"all {sign * magnitude}"));
            blocks.Add((Enumerable.Range(0, 64).Select(i => (short)((i % 2 == 0 ? sign : -sign) * magnitude)).ToArray(), ones, $"columns alternating {magnitude}"));
            blocks.Add((Enumerable.Range(0, 64).Select(i => (short)(((i / 8 + i % 8) % 2 == 0 ? sign : -sign) * magnitude)).ToArray(), ones, $"checker {magnitude}"));
            for (var i = 0; i < 64; i++)
            {
                var single = new short[64];
                single[i] = (short)(sign * magnitude);
                blocks.Add((single, ones, $"term {i} = {sign * magnitude}"));
            }
        }
        foreach (var extreme in new short[] { short.MaxValue, short.MinValue })
        foreach (var step in new[] { 255, 65535 })
            blocks.Add((Enumerable.Repeat(extreme, 64).ToArray(), Enumerable.Repeat(step, 64).ToArray(), $"all {extreme} x {step}"));
        // Just inside the limit with steps: the largest product the vector paths take.
        for (var step = 1; step <= 16; step++)
            blocks.Add((Enumerable.Range(0, 64).Select(i => (short)((i % 3 == 0 ? 1 : -1) * (limit / step))).ToArray(),
                Enumerable.Repeat(step, 64).ToArray(), $"limit / {step} x {step}"));
        foreach (var (coefficients, steps, what) in blocks) AssertPathEqualsScalar(vector, scalar, coefficients, steps, what);
    }

    [Fact]
    public void Interleaving_instructions_equal_the_portable_element_by_element_interleave()
    {
        // The 128-bit transpose uses SSE2 unpack or AdvSimd zip where present and an element-wise fallback elsewhere;
        // the instructions must mean exactly what the fallback spells out.
        var x = System.Runtime.Intrinsics.Vector128.Create(1, 2, 3, 4);
        var y = System.Runtime.Intrinsics.Vector128.Create(5, 6, 7, 8);
        Assert.Equal(System.Runtime.Intrinsics.Vector128.Create(1, 5, 2, 6), IntegerInverseDct.InterleaveLow(x, y));
        Assert.Equal(System.Runtime.Intrinsics.Vector128.Create(3, 7, 4, 8), IntegerInverseDct.InterleaveHigh(x, y));
        Assert.Equal(IntegerInverseDct.InterleavePortable(x, y, 0), IntegerInverseDct.InterleaveLow(x, y));
        Assert.Equal(IntegerInverseDct.InterleavePortable(x, y, 2), IntegerInverseDct.InterleaveHigh(x, y));
        var a = System.Runtime.Intrinsics.Vector128.Create(10L, 20L);
        var b = System.Runtime.Intrinsics.Vector128.Create(30L, 40L);
        Assert.Equal(System.Runtime.Intrinsics.Vector128.Create(10L, 30L), IntegerInverseDct.InterleaveLow(a, b));
        Assert.Equal(System.Runtime.Intrinsics.Vector128.Create(20L, 40L), IntegerInverseDct.InterleaveHigh(a, b));
    }

    public static IEnumerable<object[]> DctFixturesByPath() =>
        from row in JpegTestSupport.RowsWhere(r => !JpegTestSupport.IsLossless(r))
        from path in new[] { IdctPath.Vector128, IdctPath.Vector256 }
        where IntegerInverseDct.IsSupported(path)
        select new object[] { row[0], path.ToString() };

    [Theory]
    [MemberData(nameof(DctFixturesByPath))]
    public void Every_DCT_fixture_decodes_to_the_same_samples_through_each_path(string file, string pathName)
    {
        var path = Enum.Parse<IdctPath>(pathName);
        // Forced per thread, so the decoders other tests run in parallel keep the default path.
        byte[] Decode(IdctPath forced)
        {
            IntegerInverseDct.ForcedPath = forced;
            try
            {
                return JpegTestSupport.DecodeFile(JpegTestSupport.Fixture(file)).Pixels;
            }
            finally
            {
                IntegerInverseDct.ForcedPath = null;
            }
        }
        var scalar = Decode(IdctPath.Scalar);
        var vector = Decode(path);
        Assert.True(scalar.AsSpan().SequenceEqual(vector), $"{file}: the {path} inverse DCT decodes other samples than the scalar one");
    }
}
