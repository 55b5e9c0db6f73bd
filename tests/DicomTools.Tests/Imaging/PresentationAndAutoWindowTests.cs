using DicomTools.Imaging;
using Xunit;

namespace DicomTools.Tests.Imaging;

/// <summary>Inversion (MONOCHROME1, Presentation LUT Shape, -Invert) and automatic windows.</summary>
public sealed class PresentationAndAutoWindowTests
{
    private static readonly byte[] Ramp = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();

    [Theory]
    // The rule of the reference renderings (make_refs.py): invert when MONOCHROME1 OR INVERSE, once for both.
    [InlineData("MONOCHROME2", null, false, false)]
    [InlineData("MONOCHROME2", "IDENTITY", false, false)]
    [InlineData("MONOCHROME2", "INVERSE", false, true)]
    [InlineData("MONOCHROME1", null, false, true)]
    [InlineData("MONOCHROME1", "IDENTITY", false, true)]
    [InlineData("MONOCHROME1", "INVERSE", false, true)]
    [InlineData("MONOCHROME2", null, true, true)]
    [InlineData("MONOCHROME1", "IDENTITY", true, false)]
    [InlineData("MONOCHROME1", "INVERSE", true, false)]
    public void Inversion_follows_photometric_interpretation_presentation_shape_and_invert(string pi, string? shape, bool invert,
        bool inverted)
    {
        // Min-max over 0..255 maps every value to itself, so the expected output is v or 255 - v.
        var frame = TestFrames.Grey(Ramp, 8, false, photometric: pi, presentationShape: shape);
        var image = DisplayRenderer.Render(frame, new DisplaySettings { Invert = invert });
        Assert.Equal(inverted, image.Inverted);
        Assert.Equal(Ramp.Select(v => (byte)(inverted ? 255 - v : v)), image.Pixels);
        var grey16 = DisplayRenderer.RenderGrey16(frame, new DisplaySettings { Invert = invert });
        Assert.Equal(Ramp.Select(v => (ushort)(inverted ? 65535 - v * 257 : v * 257)), grey16);
    }

    [Fact]
    public void Inverted_image_is_the_exact_complement_of_the_plain_one()
    {
        // Rounding happens before inversion (255 - round(v)), as the reference renderings do; a value exactly
        // halfway would differ by one otherwise.
        var pixels = TestFrames.Range16(0, 1000);
        var plain = DisplayRenderer.Render(TestFrames.Grey(pixels, 10, false), new DisplaySettings { Center = 100.5, Width = 2 });
        var mono1 = DisplayRenderer.Render(TestFrames.Grey(pixels, 10, false, photometric: "MONOCHROME1"),
            new DisplaySettings { Center = 100.5, Width = 2 });
        Assert.Equal(plain.Pixels.Select(v => (byte)(255 - v)), mono1.Pixels);
        Assert.Equal(127, mono1.Pixels[100]); // 255 - round(127.5)
    }

    [Fact]
    public void Min_max_maps_min_to_0_and_max_to_255()
    {
        var pixels = new short[] { 300, -500, 0, 1500, 7 };
        var frame = TestFrames.Grey(pixels, 16, true);
        var image = DisplayRenderer.Render(frame, new DisplaySettings { AutoWindow = AutoWindowMode.MinMax });
        // (x - min) / (max - min) x 255 (make_refs.py minmax)
        Assert.Equal(pixels.Select(x => (byte)Standard.Round((x + 500) / 2000.0 * 255, 255)), image.Pixels);
        Assert.Equal(0, image.Pixels[1]);
        Assert.Equal(255, image.Pixels[3]);
        Assert.Equal("min-max", image.VoiSource);
        // DCMTK's min-max window: center (min + max + 1) / 2, width max - min + 1.
        Assert.Equal(500.5, image.WindowCenter);
        Assert.Equal(2001, image.WindowWidth);
    }

    [Fact]
    public void Min_max_is_the_default_without_window_or_lut_and_a_flat_frame_is_black()
    {
        var frame = TestFrames.Grey(new ushort[] { 7, 7, 7 }, 12, false);
        var image = DisplayRenderer.Render(frame, new DisplaySettings());
        Assert.Equal("min-max", image.VoiSource);
        Assert.Equal(new byte[] { 0, 0, 0 }, image.Pixels);
    }

    [Fact]
    public void Min_max_uses_modality_values()
    {
        var pixels = TestFrames.Range16(100, 200);
        var frame = TestFrames.Grey(pixels, 12, false, slope: -2, intercept: 50);
        var image = DisplayRenderer.Render(frame, new DisplaySettings { AutoWindow = AutoWindowMode.MinMax });
        // Modality 50 - 2x runs from -150 (x = 100) down to -350 (x = 200): x = 100 is the maximum.
        Assert.Equal(255, image.Pixels[0]);
        Assert.Equal(0, image.Pixels[^1]);
        Assert.Equal(pixels.Select(x => (byte)Standard.Round((50 - 2.0 * x + 350) / 200 * 255, 255)), image.Pixels);
    }

    [Fact]
    public void Percentile_window_maps_the_low_and_high_percentiles_like_min_max()
    {
        // 0..99 once each plus one outlier: n = 101; p1 has rank 1 (value 1), p99 rank 99 (value 99).
        var values = Enumerable.Range(0, 100).Append(10000).ToArray();
        var frame = TestFrames.Grey(values.Select(v => (ushort)v).ToArray(), 16, false);
        var image = DisplayRenderer.Render(frame, new DisplaySettings { AutoWindow = AutoWindowMode.Percentile });
        double lo = Standard.Percentile(values.Select(v => (double)v), 1), hi = Standard.Percentile(values.Select(v => (double)v), 99);
        Assert.Equal(1, lo);
        Assert.Equal(99, hi);
        Assert.Equal(values.Select(x => (byte)Standard.Round(Math.Clamp((x - lo) / (hi - lo), 0, 1) * 255, 255)), image.Pixels);
        Assert.Equal("percentile 1-99", image.VoiSource);
    }

    [Fact]
    public void Percentile_interpolates_between_ranks_and_follows_a_negative_slope()
    {
        // 0, 10, ..., 100 stored; modality = -x. Percentile 5 has rank 0.5 -> between -100 and -90 -> -95.
        var stored = Enumerable.Range(0, 11).Select(i => (short)(10 * i)).ToArray();
        var frame = TestFrames.Grey(stored, 16, true, slope: -1, intercept: 0);
        var image = DisplayRenderer.Render(frame, new DisplaySettings { AutoWindow = AutoWindowMode.Percentile, PercentileLow = 5, PercentileHigh = 95 });
        var modality = stored.Select(x => -(double)x).ToArray();
        double lo = Standard.Percentile(modality, 5), hi = Standard.Percentile(modality, 95);
        Assert.Equal(-95, lo, 9);
        Assert.Equal(-5, hi, 9);
        Assert.Equal(modality.Select(m => (byte)Standard.Round(Math.Clamp((m - lo) / (hi - lo), 0, 1) * 255, 255)), image.Pixels);
    }

    [Fact]
    public void Percentile_of_floating_point_samples()
    {
        var values = Enumerable.Range(0, 1000).Select(i => (float)Math.Sqrt(i)).ToArray();
        var frame = TestFrames.Grey(values, 32, true);
        var image = DisplayRenderer.Render(frame, new DisplaySettings { AutoWindow = AutoWindowMode.Percentile, PercentileLow = 2, PercentileHigh = 98 });
        double lo = Standard.Percentile(values.Select(v => (double)v), 2), hi = Standard.Percentile(values.Select(v => (double)v), 98);
        Assert.Equal(values.Select(v => (byte)Standard.Round(Math.Clamp((v - lo) / (hi - lo), 0, 1) * 255, 255)), image.Pixels);
    }

    [Theory]
    [InlineData(-1, 99)]
    [InlineData(50, 50)]
    [InlineData(1, 101)]
    public void Percentiles_outside_0_100_or_reversed_are_refused(double low, double high)
    {
        var frame = TestFrames.Grey(new ushort[] { 1, 2 }, 16, false);
        Assert.Throws<DisplaySettingsException>(() => DisplayRenderer.Render(frame,
            new DisplaySettings { AutoWindow = AutoWindowMode.Percentile, PercentileLow = low, PercentileHigh = high }));
    }

    [Fact]
    public void Presets_are_the_published_ct_windows()
    {
        Assert.True(WindowPresets.TryGet("lung", out var lung));
        Assert.Equal(-600, lung.Center);
        Assert.Equal(1500, lung.Width);
        Assert.True(WindowPresets.TryGet("Brain", out var brain));
        Assert.Equal((40.0, 80.0), (brain.Center, brain.Width));
        Assert.False(WindowPresets.TryGet("Nonsense", out _));
        Assert.Equal(WindowPresets.All.Count, WindowPresets.All.Select(p => p.Name.ToUpperInvariant()).Distinct().Count());
        Assert.All(WindowPresets.All, p => Assert.True(p.Width >= 1, p.Name));

        var frame = TestFrames.Grey(TestFrames.RangeSigned16(-1200, 400), 16, true);
        var image = DisplayRenderer.Render(frame, lung.ToSettings());
        Assert.Equal("preset Lung", image.VoiSource);
        Assert.Equal(-600, image.WindowCenter);
        for (int i = 0; i < image.Pixels.Length; i++)
            Assert.Equal(Standard.Round(Standard.Linear(i - 1200, -600, 1500, 255), 255), image.Pixels[i]);
    }
}
