using DicomTools.Imaging;
using Xunit;

namespace DicomTools.Tests.Imaging;

/// <summary>VOI windows against PS3.3 C.11.2.1.2 / C.11.2.1.3, values worked out by hand or by the formulas
/// re-implemented in <see cref="Standard"/>.</summary>
public sealed class WindowFunctionTests
{
    private static DisplaySettings Window(double c, double w, VoiLutFunction? f = null) => new() { Center = c, Width = w, Function = f };

    [Fact]
    public void Linear_width_1_is_a_threshold_at_center_minus_half()
    {
        // C.11.2.1.2.1, w = 1: x <= c - 0.5 -> ymin, x > c - 0.5 -> ymax.
        var frame = TestFrames.Grey(new ushort[] { 98, 99, 100, 101 }, 16, false);
        var image = DisplayRenderer.Render(frame, Window(100, 1));
        Assert.Equal(new byte[] { 0, 0, 255, 255 }, image.Pixels);
        Assert.Equal(new ushort[] { 0, 0, 65535, 65535 }, DisplayRenderer.RenderGrey16(frame, Window(100, 1)));
    }

    [Fact]
    public void Linear_width_2_has_one_intermediate_level()
    {
        // c = 100.5, w = 2: x <= 99.5 -> 0; x > 100.5 -> 255; x = 100 -> ((100 - 100) / 1 + 0.5) * 255 = 127.5 -> 128.
        var frame = TestFrames.Grey(new ushort[] { 99, 100, 101 }, 16, false);
        Assert.Equal(new byte[] { 0, 128, 255 }, DisplayRenderer.Render(frame, Window(100.5, 2)).Pixels);
        // 16-bit: 0.5 * 65535 = 32767.5 -> 32768.
        Assert.Equal(new ushort[] { 0, 32768, 65535 }, DisplayRenderer.RenderGrey16(frame, Window(100.5, 2)));
    }

    [Fact]
    public void Linear_window_matches_the_standard_at_every_stored_value()
    {
        var frame = TestFrames.Grey(TestFrames.RangeSigned16(-1024, 3071), 16, true, slope: 1, intercept: 0);
        var image = DisplayRenderer.Render(frame, Window(40, 400));
        var grey16 = DisplayRenderer.RenderGrey16(frame, Window(40, 400));
        for (int i = 0; i < image.Pixels.Length; i++)
        {
            int x = i - 1024;
            Assert.Equal(Standard.Round(Standard.Linear(x, 40, 400, 255), 255), image.Pixels[i]);
            Assert.Equal(Standard.Round(Standard.Linear(x, 40, 400, 65535), 65535), grey16[i]);
        }
        // Spot values by hand: x = 40 -> ((40 - 39.5) / 399 + 0.5) * 255 = 127.82 -> 128; x = -160 -> 0; x = 240 -> 255.
        Assert.Equal(128, image.Pixels[40 + 1024]);
        Assert.Equal(0, image.Pixels[-160 + 1024]);
        Assert.Equal(255, image.Pixels[240 + 1024]);
        Assert.Equal("LINEAR", image.VoiFunction);
        Assert.Equal("window 40/400", image.VoiSource);
        Assert.Equal(40, image.WindowCenter);
        Assert.Equal(400, image.WindowWidth);
    }

    [Fact]
    public void Linear_exact_accepts_width_below_1()
    {
        // C.11.2.1.3.2, c = 40, w = 0.5: x <= 39.75 -> 0; x > 40.25 -> 255; x = 40 -> (0 / 0.5 + 0.5) * 255 = 127.5 -> 128.
        var frame = TestFrames.Grey(new short[] { 39, 40, 41 }, 16, true);
        var warnings = new List<string>();
        var image = DisplayRenderer.Render(frame, Window(40, 0.5, VoiLutFunction.LinearExact), warnings.Add);
        Assert.Equal(new byte[] { 0, 128, 255 }, image.Pixels);
        Assert.Empty(warnings);
        Assert.Equal("LINEAR_EXACT", image.VoiFunction);
    }

    [Fact]
    public void Linear_exact_from_the_file_matches_the_standard()
    {
        var frame = TestFrames.Grey(TestFrames.RangeSigned16(-300, 300), 16, true,
            centers: new[] { 10.0 }, widths: new[] { 333.0 }, function: "LINEAR_EXACT ");
        var image = DisplayRenderer.Render(frame, new DisplaySettings());
        for (int i = 0; i < image.Pixels.Length; i++)
            Assert.Equal(Standard.Round(Standard.LinearExact(i - 300, 10, 333, 255), 255), image.Pixels[i]);
        Assert.Equal("LINEAR_EXACT", image.VoiFunction);
    }

    [Fact]
    public void Sigmoid_matches_hand_computed_values()
    {
        // C.11.2.1.3.1, c = 600, w = 1600: y = 255 / (1 + exp(-4 (x - 600) / 1600)).
        // x = 0: 255 / (1 + e^1.5) = 46.52 -> 47; x = 200: 255 / (1 + e) = 68.58 -> 69;
        // x = 600: 127.5 -> 128; x = 1000: 255 / (1 + e^-1) = 186.42 -> 186.
        var frame = TestFrames.Grey(new ushort[] { 0, 200, 600, 1000 }, 12, false,
            centers: new[] { 600.0 }, widths: new[] { 1600.0 }, function: "SIGMOID");
        var image = DisplayRenderer.Render(frame, new DisplaySettings());
        Assert.Equal(new byte[] { 47, 69, 128, 186 }, image.Pixels);
        Assert.Equal("SIGMOID", image.VoiFunction);
        var wide = TestFrames.Grey(TestFrames.Range16(0, 4095), 12, false, centers: new[] { 600.0 }, widths: new[] { 1600.0 }, function: "SIGMOID");
        var all = DisplayRenderer.RenderGrey16(wide, new DisplaySettings());
        for (int x = 0; x < 4096; x++)
            Assert.Equal(Standard.Round(Standard.Sigmoid(x, 600, 1600, 65535), 65535), all[x]);
    }

    [Fact]
    public void Function_setting_overrides_the_file()
    {
        var frame = TestFrames.Grey(new ushort[] { 0, 200, 600, 1000 }, 12, false,
            centers: new[] { 600.0 }, widths: new[] { 1600.0 }, function: "SIGMOID");
        var image = DisplayRenderer.Render(frame, new DisplaySettings { Function = VoiLutFunction.Linear });
        var expected = new ushort[] { 0, 200, 600, 1000 }.Select(x => (byte)Standard.Round(Standard.Linear(x, 600, 1600, 255), 255));
        Assert.Equal(expected, image.Pixels);
        Assert.Equal("LINEAR", image.VoiFunction);
    }

    [Theory]
    [InlineData(0.0, "LINEAR", null)]
    [InlineData(0.5, "LINEAR", null)]
    [InlineData(0.0, "LINEAR_EXACT", "LINEAR_EXACT")]
    [InlineData(-3.0, "SIGMOID", "SIGMOID")]
    public void Invalid_window_warns_and_falls_back_to_min_max(double width, string term, string? fileFunction)
    {
        var pixels = new short[] { -500, 0, 1500 };
        var frame = TestFrames.Grey(pixels, 16, true, centers: new[] { 1.0 }, widths: new[] { width }, function: fileFunction);
        var warnings = new List<string>();
        var image = DisplayRenderer.Render(frame, new DisplaySettings(), warnings.Add);
        Assert.Contains($"window width {width.ToString(System.Globalization.CultureInfo.InvariantCulture)} is invalid for {term}; using min-max",
            warnings);
        // min-max: -500 -> 0, 1500 -> 255, 0 -> 500 / 2000 * 255 = 63.75 -> 64.
        Assert.Equal(new byte[] { 0, 64, 255 }, image.Pixels);
        Assert.Equal("min-max", image.VoiSource);
    }

    [Fact]
    public void Unknown_function_in_the_file_warns_and_uses_linear()
    {
        var frame = TestFrames.Grey(new ushort[] { 0, 600, 1400 }, 12, false, centers: new[] { 600.0 }, widths: new[] { 1600.0 }, function: "GAMMA");
        var warnings = new List<string>();
        var image = DisplayRenderer.Render(frame, new DisplaySettings(), warnings.Add);
        Assert.Single(warnings, w => w.Contains("'GAMMA'") && w.Contains("LINEAR"));
        Assert.Equal(new ushort[] { 0, 600, 1400 }.Select(x => (byte)Standard.Round(Standard.Linear(x, 600, 1600, 255), 255)), image.Pixels);
    }

    [Fact]
    public void Default_is_the_first_file_window_and_window_index_picks_another()
    {
        var pixels = TestFrames.RangeSigned16(-1000, 1000);
        var frame = TestFrames.Grey(pixels, 16, true, centers: new[] { 40.0, 500.0 }, widths: new[] { 400.0, 2000.0 },
            explanations: new[] { "WINDOW1", "BONE" });
        var first = DisplayRenderer.Render(frame, new DisplaySettings());
        Assert.Equal("file window 1 (WINDOW1)", first.VoiSource);
        Assert.Equal(pixels.Select(x => (byte)Standard.Round(Standard.Linear(x, 40, 400, 255), 255)), first.Pixels);
        var second = DisplayRenderer.Render(frame, new DisplaySettings { WindowIndex = 1 });
        Assert.Equal("file window 2 (BONE)", second.VoiSource);
        Assert.Equal(500, second.WindowCenter);
        Assert.Equal(2000, second.WindowWidth);
        Assert.Equal(pixels.Select(x => (byte)Standard.Round(Standard.Linear(x, 500, 2000, 255), 255)), second.Pixels);
    }

    [Fact]
    public void Window_index_out_of_range_says_how_many_windows_exist()
    {
        var frame = TestFrames.Grey(new short[] { 1, 2 }, 16, true, centers: new[] { 40.0, 500.0 }, widths: new[] { 400.0, 2000.0 });
        var ex = Assert.Throws<DisplaySettingsException>(() => DisplayRenderer.Render(frame, new DisplaySettings { WindowIndex = 2 }));
        Assert.Contains("2 windows", ex.Message);
        var none = TestFrames.Grey(new short[] { 1, 2 }, 16, true);
        var ex2 = Assert.Throws<DisplaySettingsException>(() => DisplayRenderer.Render(none, new DisplaySettings { WindowIndex = 0 }));
        Assert.Contains("no windows", ex2.Message);
        Assert.Throws<DisplaySettingsException>(() => DisplayRenderer.Render(frame, new DisplaySettings { WindowIndex = -1 }));
    }

    [Fact]
    public void Contradictory_settings_are_refused()
    {
        var frame = TestFrames.Grey(new short[] { 1, 2 }, 16, true, centers: new[] { 40.0 }, widths: new[] { 400.0 });
        Assert.Throws<ArgumentException>(() => DisplayRenderer.Render(frame, new DisplaySettings { Center = 40 }));
        Assert.Throws<ArgumentException>(() => DisplayRenderer.Render(frame, new DisplaySettings { Center = 40, Width = 400, WindowIndex = 0 }));
        Assert.Throws<ArgumentException>(() => DisplayRenderer.Render(frame, new DisplaySettings { WindowIndex = 0, AutoWindow = AutoWindowMode.MinMax }));
    }
}
