using DicomTools.Imaging;
using DicomTools.Pixels;
using Xunit;

namespace DicomTools.Tests.Imaging;

/// <summary>Every sample array type gives the standard's result, whichever loop (cached table, range table,
/// per pixel) renders it.</summary>
public sealed class SampleTypeTests
{
    private static void AssertLinear(DicomPixelData frame, Func<int, double> modalityOf, double c, double w)
    {
        var settings = new DisplaySettings { Center = c, Width = w };
        var image = DisplayRenderer.Render(frame, settings);
        var grey16 = DisplayRenderer.RenderGrey16(frame, settings);
        Assert.Equal(frame.Rows * frame.Columns, image.Pixels.Length);
        for (int i = 0; i < image.Pixels.Length; i++)
        {
            double m = modalityOf(i);
            Assert.True(Standard.Round(Standard.Linear(m, c, w, 255), 255) == image.Pixels[i], $"8-bit sample {i} (modality {m})");
            Assert.True(Standard.Round(Standard.Linear(m, c, w, 65535), 65535) == grey16[i], $"16-bit sample {i} (modality {m})");
        }
    }

    [Fact]
    public void Unsigned_8_bit()
    {
        var pixels = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        AssertLinear(TestFrames.Grey(pixels, 8, false, slope: 2, intercept: -3), i => pixels[i] * 2 - 3, 200, 300);
    }

    [Fact]
    public void Signed_8_bit()
    {
        var pixels = Enumerable.Range(-128, 256).Select(i => (sbyte)i).ToArray();
        AssertLinear(TestFrames.Grey(pixels, 8, true, slope: 4, intercept: 1000), i => pixels[i] * 4 + 1000, 900, 700);
    }

    [Fact]
    public void Unsigned_16_bit_with_12_bits_stored()
    {
        var pixels = TestFrames.Range16(0, 4095);
        AssertLinear(TestFrames.Grey(pixels, 12, false, rows: 64), i => pixels[i], 2048, 1000);
    }

    [Fact]
    public void Signed_16_bit()
    {
        var pixels = TestFrames.RangeSigned16(-32768, 32767);
        AssertLinear(TestFrames.Grey(pixels, 16, true, slope: 1, intercept: -1024, rows: 256), i => pixels[i] - 1024, 40, 400);
    }

    [Fact]
    public void Samples_with_garbage_above_bits_stored_stay_inside_the_table()
    {
        // A decoder should mask to Bits Stored; if one did not, the table index wraps instead of reading outside.
        var frame = TestFrames.Grey(new ushort[] { 0x1005, 5, 0xF000 }, 12, false);
        var image = DisplayRenderer.Render(frame, new DisplaySettings { Center = 5.5, Width = 2 });
        Assert.Equal(image.Pixels[1], image.Pixels[0]);
        Assert.Equal(0, image.Pixels[2]);
    }

    [Fact]
    public void Float_and_double_samples_with_nan()
    {
        var values = Enumerable.Range(0, 500).Select(i => i / 499.0 * 0.94).Append(double.NaN).ToArray();
        var floats = values.Select(v => (float)v).ToArray();
        var floatFrame = TestFrames.Grey(floats, 32, true, slope: 1, intercept: 0);
        var image = DisplayRenderer.Render(floatFrame, new DisplaySettings { AutoWindow = AutoWindowMode.MinMax });
        double lo = floats.Where(float.IsFinite).Min(), hi = floats.Where(float.IsFinite).Max();
        for (int i = 0; i < 500; i++)
            Assert.Equal(Standard.Round((floats[i] - lo) / (hi - lo) * 255, 255), image.Pixels[i]);
        Assert.Equal(0, image.Pixels[500]);
        Assert.Equal(lo, floatFrame.ModalityMinimum);

        var doubleFrame = TestFrames.Grey(values, 64, true, centers: new[] { 0.5 }, widths: new[] { 0.25 }, function: "LINEAR_EXACT");
        var exact = DisplayRenderer.Render(doubleFrame, new DisplaySettings());
        for (int i = 0; i < 500; i++)
            Assert.Equal(Standard.Round(Standard.LinearExact(values[i], 0.5, 0.25, 255), 255), exact.Pixels[i]);
    }

    [Fact]
    public void Int32_narrow_range_uses_a_range_table_and_wide_range_per_pixel()
    {
        var narrow = Enumerable.Range(-3000, 6000).ToArray();
        AssertLinear(TestFrames.Grey(narrow, 32, true, slope: 1, intercept: -1024, rows: 60), i => narrow[i] - 1024.0, 40, 400);
        var wide = Enumerable.Range(0, 1000).Select(i => i * 2_000_003 - 1_000_000_000).ToArray();
        AssertLinear(TestFrames.Grey(wide, 32, true, rows: 10), i => wide[i], 0, 1_500_000_000);
    }

    [Fact]
    public void Uint32_dose_values()
    {
        // Like pydicom__rtdose.dcm: 32-bit values around 10^6 with a tiny slope.
        var dose = Enumerable.Range(0, 2000).Select(i => (uint)(795000 + i * 229)).ToArray();
        AssertLinear(TestFrames.Grey(dose, 32, false, slope: 3.0e-5, rows: 20), i => dose[i] * 3.0e-5, 30, 10);
        var frame = TestFrames.Grey(dose, 32, false);
        var image = DisplayRenderer.Render(frame, new DisplaySettings());
        Assert.Equal(0, image.Pixels[0]);
        Assert.Equal(255, image.Pixels[^1]);
    }

    [Fact]
    public void Frame_whose_array_is_too_short_is_refused()
    {
        var frame = new DicomPixelData
        {
            Path = "short.dcm", Frame = 1, NumberOfFrames = 1, Rows = 10, Columns = 10, SamplesPerPixel = 1,
            PhotometricInterpretation = "MONOCHROME2", BitsAllocated = 16, BitsStored = 16, IsSigned = false,
            Pixels = new ushort[99],
        };
        var ex = Assert.Throws<PixelDataException>(() => DisplayRenderer.Render(frame, new DisplaySettings()));
        Assert.Contains("short.dcm", ex.Message);
        Assert.Contains("99", ex.Message);
    }

    [Fact]
    public void Parallel_renders_with_different_windows_each_get_their_own_result()
    {
        var pixels = TestFrames.RangeSigned16(-2000, 2000);
        var frame = TestFrames.Grey(pixels, 16, true);
        Parallel.For(0, 64, i =>
        {
            double c = i * 10 - 300, w = 50 + i * 7;
            var image = DisplayRenderer.Render(frame, new DisplaySettings { Center = c, Width = w });
            for (int k = 0; k < pixels.Length; k += 97)
                Assert.Equal(Standard.Round(Standard.Linear(pixels[k], c, w, 255), 255), image.Pixels[k]);
        });
    }
}

[CollectionDefinition(nameof(GreyLutCacheCollection), DisableParallelization = true)]
public sealed class GreyLutCacheCollection;

/// <summary>The shared table cache (runs alone: other tests would fill and evict it meanwhile).</summary>
[Collection(nameof(GreyLutCacheCollection))]
public sealed class GreyLutCacheTests
{
    private static DicomPixelData CtSlice(DicomLut? voiLut = null) =>
        TestFrames.Grey(new short[] { -1000, 0, 40, 1000 }, 16, true, slope: 1, intercept: -1024,
            centers: new[] { 40.0 }, widths: new[] { 400.0 }, voiLuts: voiLut is null ? null : new[] { voiLut });

    private static Array TableFor(DicomPixelData frame, DisplaySettings settings, int outputMax = 255)
    {
        var (pipeline, _) = DisplayRenderer.Plan(frame, settings, outputMax, frame.Pixels.Length, null);
        return GreyLutCache.GetOrBuild(pipeline, StoredDomain.For(frame.Pixels, frame.BitsStored)!.Value);
    }

    [Fact]
    public void Equal_parameters_share_one_table_instance()
    {
        GreyLutCache.Clear();
        // Two distinct slices (different objects, equal attributes) -> the same table.
        var first = TableFor(CtSlice(), new DisplaySettings());
        var second = TableFor(CtSlice(), new DisplaySettings());
        Assert.Same(first, second);
        Assert.Equal(1, GreyLutCache.Count);
        // Rendering reuses it rather than adding one.
        DisplayRenderer.Render(CtSlice(), new DisplaySettings());
        Assert.Equal(1, GreyLutCache.Count);
    }

    [Fact]
    public void Luts_with_equal_content_share_a_table_and_different_choices_do_not()
    {
        GreyLutCache.Clear();
        ushort[] Ramp() => Enumerable.Range(0, 4096).Select(i => (ushort)i).ToArray();
        var viaLut1 = TableFor(CtSlice(new DicomLut(-1024, 12, Ramp())), new DisplaySettings { VoiLutIndex = 0 });
        var viaLut2 = TableFor(CtSlice(new DicomLut(-1024, 12, Ramp())), new DisplaySettings { VoiLutIndex = 0 });
        Assert.Same(viaLut1, viaLut2);

        var plain = TableFor(CtSlice(), new DisplaySettings());
        Assert.NotSame(plain, TableFor(CtSlice(), new DisplaySettings { Invert = true }));
        Assert.NotSame(plain, TableFor(CtSlice(), new DisplaySettings { Center = 40, Width = 401 }));
        Assert.NotSame(plain, TableFor(CtSlice(), new DisplaySettings { Function = VoiLutFunction.Sigmoid }));
        var deep = TableFor(CtSlice(), new DisplaySettings(), 65535);
        Assert.IsType<ushort[]>(deep);
        Assert.IsType<byte[]>(plain);
    }

    [Fact]
    public void Cache_is_bounded()
    {
        GreyLutCache.Clear();
        for (int i = 0; i < GreyLutCache.Capacity + 10; i++)
            TableFor(CtSlice(), new DisplaySettings { Center = i, Width = 100 });
        Assert.Equal(GreyLutCache.Capacity, GreyLutCache.Count);
    }
}
