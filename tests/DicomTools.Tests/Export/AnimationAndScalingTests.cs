using System.Diagnostics;
using System.Text.Json;
using DicomTools.Export;
using DicomTools.Imaging;
using DicomTools.Tests.Rendering;
using Xunit;

namespace DicomTools.Tests.Export;

/// <summary>
/// Animated PNG and GIF read back by PIL (a reader that is not ours: frame count, size, per-frame durations, loop and
/// every frame's pixels), the scaler against an independent area average, frame timing by the standard's
/// attributes, series ordering and the choice of a stored window by its name.
/// </summary>
public class AnimationAndScalingTests
{
    /// <summary>PIL's reading of an animation: frames, size, mode, durations (ms), loop, and all frames' grey
    /// (or RGB) samples one after another.</summary>
    private static (JsonElement Info, byte[] Frames) ReadAnimation(byte[] file, string extension, string mode)
    {
        ReferenceTools.RequirePython("numpy", "PIL");
        string directory = Directory.CreateTempSubdirectory("dicomtools-anim-").FullName;
        try
        {
            string input = Path.Combine(directory, "anim" + extension), output = Path.Combine(directory, "frames.raw");
            File.WriteAllBytes(input, file);
            string script =
                "import sys, json, numpy as np\n" +
                "from PIL import Image, ImageSequence\n" +
                "im = Image.open(sys.argv[1])\n" +
                "durations, frames = [], []\n" +
                "for f in ImageSequence.Iterator(im):\n" +
                "    durations.append(f.info.get('duration'))\n" +
                $"    frames.append(np.array(f.convert('{mode}')).tobytes())\n" +
                "open(sys.argv[2], 'wb').write(b''.join(frames))\n" +
                "print(json.dumps({'format': im.format, 'n_frames': getattr(im, 'n_frames', 1), 'size': list(im.size),\n" +
                "                  'durations': durations, 'loop': im.info.get('loop')}))\n";
            var start = new ProcessStartInfo(ReferenceTools.Python) { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(script);
            start.ArgumentList.Add(input);
            start.ArgumentList.Add(output);
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"PIL could not read the animation: {stderr.Result}");
            return (JsonDocument.Parse(stdout).RootElement, File.ReadAllBytes(output));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static byte[][] GreyFrames(int count, int width, int height)
    {
        var frames = new byte[count][];
        for (int f = 0; f < count; f++)
        {
            frames[f] = ExportTestSupport.Bytes8(width * height, seed: 100 + f);
            frames[f][0] = (byte)(f * 20); // frames differ at a known place too
        }
        return frames;
    }

    [SkippableTheory]
    [InlineData(".png")]
    [InlineData(".gif")]
    public void Grey_animation_has_every_frame_exactly_with_its_delay(string extension)
    {
        const int count = 12, width = 37, height = 23;
        var frames = GreyFrames(count, width, height);
        using var buffer = new MemoryStream();
        var format = extension == ".gif" ? ImageFormat.Gif : ImageFormat.Png;
        var writer = IAnimationWriter.Create(format, buffer, width, height, 1, count, 1);
        for (int f = 0; f < count; f++) writer.AddFrame(frames[f], f == 3 ? 250 : 40);
        writer.Finish();

        var (info, raw) = ReadAnimation(buffer.ToArray(), extension, "L");
        Assert.Equal(extension == ".gif" ? "GIF" : "PNG", info.GetProperty("format").GetString());
        Assert.Equal(count, info.GetProperty("n_frames").GetInt32());
        Assert.Equal(new[] { width, height }, info.GetProperty("size").EnumerateArray().Select(e => e.GetInt32()));
        var durations = info.GetProperty("durations").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(count, durations.Length);
        for (int f = 0; f < count; f++) Assert.Equal(f == 3 ? 250 : 40, durations[f], 3);
        Assert.Equal(0, info.GetProperty("loop").GetInt32());
        for (int f = 0; f < count; f++)
            Assert.True(raw.AsSpan(f * width * height, width * height).SequenceEqual(frames[f]), $"frame {f} differs from what was written");
    }

    [SkippableFact]
    public void Apng_declared_with_more_frames_than_written_is_corrected_on_a_seekable_stream()
    {
        var frames = GreyFrames(3, 8, 8);
        using var buffer = new MemoryStream();
        var writer = new AnimatedPngWriter(buffer, 8, 8, 1, frameCount: 10);
        foreach (var frame in frames) writer.AddFrame(frame, 100);
        writer.Finish();
        var chunks = ExportTestSupport.PngChunkTypes(buffer.ToArray());
        Assert.Equal(new[] { "IHDR", "acTL", "fcTL", "IDAT", "fcTL", "fdAT", "fcTL", "fdAT", "IEND" }, chunks);
        var (info, _) = ReadAnimation(buffer.ToArray(), ".png", "L");
        Assert.Equal(3, info.GetProperty("n_frames").GetInt32());
    }

    [SkippableFact]
    public void Rgb_apng_keeps_colours_exactly()
    {
        var rgb = ExportTestSupport.Bytes8(9 * 5 * 3, seed: 9);
        using var buffer = new MemoryStream();
        var writer = new AnimatedPngWriter(buffer, 9, 5, 3, 2);
        writer.AddFrame(rgb, 100);
        writer.AddFrame(rgb.Reverse().ToArray(), 100);
        writer.Finish();
        var (_, raw) = ReadAnimation(buffer.ToArray(), ".png", "RGB");
        Assert.True(raw.AsSpan(0, rgb.Length).SequenceEqual(rgb));
        Assert.True(raw.AsSpan(rgb.Length).SequenceEqual(rgb.Reverse().ToArray()));
    }

    [Theory]
    [InlineData(512, 512, 128, 128)]
    [InlineData(512, 300, 77, 45)]
    [InlineData(40, 30, 100, 75)] // enlarging works too (each output pixel still averages what it covers)
    public void Scaler_matches_an_independent_area_average(int width, int height, int newWidth, int newHeight)
    {
        var grey = ExportTestSupport.Bytes8(width * height, seed: 5);
        var scaled = ImageScaler.Resize(grey, width, height, 1, newWidth, newHeight);
        var expected = TerminalPictureTests.ReferenceAreaAverage(grey, width, height, 1, newWidth, newHeight);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - scaled[i]) <= 0.5 + 1e-3, $"pixel {i}: {scaled[i]} vs {expected[i]:0.###}");

        var rgb = ExportTestSupport.Bytes8(width * height * 3, seed: 6);
        var scaledRgb = ImageScaler.Resize(rgb, width, height, 3, newWidth, newHeight);
        var expectedRgb = TerminalPictureTests.ReferenceAreaAverage(rgb, width, height, 3, newWidth, newHeight);
        for (int i = 0; i < expectedRgb.Length; i++)
            Assert.True(Math.Abs(expectedRgb[i] - scaledRgb[i]) <= 0.5 + 1e-3, $"RGB sample {i}: {scaledRgb[i]} vs {expectedRgb[i]:0.###}");
    }

    [Fact]
    public void Sixteen_bit_scaling_averages_areas_too()
    {
        var samples = ExportTestSupport.Samples16(64 * 64, seed: 2);
        var scaled = ImageScaler.Resize(samples, 64, 64, 16, 16);
        for (int y = 0; y < 16; y++)
            for (int x = 0; x < 16; x++)
            {
                double sum = 0;
                for (int dy = 0; dy < 4; dy++)
                    for (int dx = 0; dx < 4; dx++) sum += samples[(y * 4 + dy) * 64 + x * 4 + dx];
                Assert.True(Math.Abs(sum / 16 - scaled[y * 16 + x]) <= 0.5 + 0.02, $"({x},{y}): {scaled[y * 16 + x]} vs {sum / 16}");
            }
    }

    [Theory]
    [InlineData(512, 512, 128, 128, 128)]
    [InlineData(512, 256, 128, 128, 64)]
    [InlineData(100, 80, 128, 100, 80)] // never enlarged
    [InlineData(1, 4000, 100, 1, 100)]
    public void Fit_keeps_the_aspect_and_never_enlarges(int width, int height, int max, int expectedWidth, int expectedHeight) =>
        Assert.Equal((expectedWidth, expectedHeight), ImageScaler.FitWithin(width, height, max));

    [Fact]
    public void Frame_timing_follows_the_attributes_in_the_standards_order()
    {
        FrameTiming Timing(params (string Keyword, string Value)[] header) =>
            FrameTiming.FromHeader(k => header.FirstOrDefault(h => h.Keyword == k).Value, 4);

        var all = Timing(("FrameTime", "33.3"), ("FrameTimeVector", "0\\50\\60\\70"), ("CineRate", "5"), ("RecommendedDisplayFrameRate", "2"));
        Assert.Equal(33.3, all.DelayMilliseconds(2), 6);
        Assert.Equal("Frame Time", all.Source);

        var vector = Timing(("FrameTimeVector", "0\\50\\60\\70"), ("CineRate", "5"));
        Assert.Equal(new[] { 50.0, 60, 70, 60 }, Enumerable.Range(0, 4).Select(vector.DelayMilliseconds)); // last frame: the mean
        Assert.Equal(200, Timing(("CineRate", "5"), ("RecommendedDisplayFrameRate", "2")).DelayMilliseconds(0), 6);
        Assert.Equal(500, Timing(("RecommendedDisplayFrameRate", "2")).DelayMilliseconds(0), 6);
        Assert.Equal(1000 / FrameTiming.DefaultFramesPerSecond, Timing(("FrameTime", "0"), ("CineRate", "junk")).DelayMilliseconds(1), 6);
        Assert.Equal(40, FrameTiming.FromRate(25).DelayMilliseconds(7), 6);
    }

    [Fact]
    public void Series_order_is_instance_number_else_position_along_the_slice_normal()
    {
        var byInstance = new[] { ("a", "3", "0\\0\\1"), ("b", "1", "0\\0\\3"), ("c", "2", "0\\0\\2") };
        Assert.Equal(new[] { "b", "c", "a" }, SeriesOrder.Sort(byInstance, Lookup, _ => 0).Select(i => i.Item1));

        // Without instance numbers: sagittal slices, rows along +y and columns along -z, so the normal (row x
        // column) is -x: ordered by decreasing x, whatever y and z do.
        var byPosition = new[] { ("p", "", "5\\9\\1"), ("q", "", "-5\\0\\7"), ("r", "", "0\\3\\3") };
        Assert.Equal(new[] { "p", "r", "q" }, SeriesOrder.Sort(byPosition, Lookup, _ => 0).Select(i => i.Item1));

        var neither = new[] { ("x", "", ""), ("y", "1", "") };
        Assert.Equal(new[] { "x", "y" }, SeriesOrder.Sort(neither, Lookup, _ => 0).Select(i => i.Item1));

        static string? Lookup((string Name, string Instance, string Position) item, string keyword) => keyword switch
        {
            "InstanceNumber" => item.Instance,
            "ImagePositionPatient" => item.Position,
            "ImageOrientationPatient" => item.Position.Length > 0 ? "0\\1\\0\\0\\0\\-1" : null,
            _ => null,
        };
    }

    [Fact]
    public void Contact_sheet_places_fitted_tiles_in_a_grid()
    {
        var sheet = new ContactSheet(tileCount: 5, columns: 3, tileSize: 16, captions: false);
        Assert.Equal((ContactSheet.Gap + 3 * (16 + ContactSheet.Gap), ContactSheet.Gap + 2 * (16 + ContactSheet.Gap)), (sheet.Width, sheet.Height));
        var white = Enumerable.Repeat((byte)255, 32 * 16).ToArray(); // 32 x 16: fitted to 16 x 8, centred vertically
        sheet.Place(4, white, 32, 16, 1, null);
        var pixels = sheet.Pixels();
        Assert.Equal(sheet.Width * sheet.Height, pixels.Length);
        int left = ContactSheet.Gap + 1 * (16 + ContactSheet.Gap), top = ContactSheet.Gap + 1 * (16 + ContactSheet.Gap);
        Assert.Equal(255, pixels[(top + 4) * sheet.Width + left]);
        Assert.Equal(255, pixels[(top + 11) * sheet.Width + left + 15]);
        Assert.Equal(0, pixels[(top + 3) * sheet.Width + left]);
        Assert.Equal(0, pixels[(top + 12) * sheet.Width + left]);
        Assert.Equal(8 * 16 * 255, pixels.Sum(p => (int)p));
    }
}

/// <summary>-WindowName: the first stored window whose explanation matches, else the first matching VOI LUT.</summary>
public class WindowNameTests
{
    private static readonly ushort[] Samples = DicomTools.Tests.Imaging.TestFrames.Range16(0, 4095);

    private static DicomTools.DicomPixelData Frame() => DicomTools.Tests.Imaging.TestFrames.Grey(Samples, 12, false,
        centers: new double[] { 1000, 2000, 3000 }, widths: new double[] { 500, 600, 700 },
        explanations: new[] { "SOFT TISSUE", "Lung", "BONE" },
        voiLuts: new[] { new DicomTools.DicomLut(0, 16, DicomTools.Tests.Imaging.TestFrames.Range16(0, 4095), "HARDER") });

    [Theory]
    [InlineData("lung", 2000.0)]
    [InlineData("B*", 3000.0)]
    [InlineData("*T*", 1000.0)]      // the first match wins
    [InlineData("[LS]ung", 2000.0)]
    public void Window_is_found_by_its_explanation_with_wildcards_in_any_case(string pattern, double center)
    {
        var image = DisplayRenderer.Render(Frame(), new DisplaySettings { WindowName = pattern });
        Assert.Equal(center, image.WindowCenter);
        Assert.StartsWith("file window", image.VoiSource);
    }

    [Fact]
    public void A_voi_lut_is_found_by_its_explanation_when_no_window_matches()
    {
        var image = DisplayRenderer.Render(Frame(), new DisplaySettings { WindowName = "hard*" });
        Assert.Equal("VOI LUT 1 (HARDER)", image.VoiSource);
    }

    [Fact]
    public void No_match_names_what_the_file_has()
    {
        var e = Assert.Throws<DisplaySettingsException>(() => DisplayRenderer.Render(Frame(), new DisplaySettings { WindowName = "brain" }));
        Assert.Contains("'brain'", e.Message);
        Assert.Contains("window 'SOFT TISSUE', window 'Lung', window 'BONE', VOI LUT 'HARDER'", e.Message);
    }

    [Fact]
    public void Window_name_is_one_choice_among_the_others() =>
        Assert.Throws<ArgumentException>(() => DisplayRenderer.Render(Frame(), new DisplaySettings { WindowName = "lung", WindowIndex = 0 }));
}
