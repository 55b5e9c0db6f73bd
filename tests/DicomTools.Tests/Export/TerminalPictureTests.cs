using System.Diagnostics;
using System.Text.RegularExpressions;
using DicomTools.Export;
using DicomTools.Imaging;
using DicomTools.Samples;
using Xunit;

namespace DicomTools.Tests.Export;

/// <summary>
/// Terminal pictures decoded by readers that are not ours: ImageMagick reads the Sixel, PIL reads the PNG inside the
/// kitty and iTerm2 sequences, and the half blocks are parsed back to colours here. Each must match the rendered
/// frame area-averaged to the same size by <see cref="ReferenceAreaAverage"/>, a direct two-dimensional integration
/// written for these tests (not the separable scaler under test), within one grey level.
/// </summary>
public class TerminalPictureTests
{
    private const string Convert = "/usr/bin/convert";

    private static DicomDisplayImage PhantomImage()
    {
        var path = Path.Combine(Path.GetTempPath(), $"dicomtools-term-{Guid.NewGuid():N}.dcm");
        try
        {
            CtPhantom.Write(path, 512, 0);
            var reader = DicomTools.Pixels.PixelDataReader.Open(DicomTools.Dicom.DicomFile.Open(path, DicomTools.Dicom.DicomReadOptions.Full));
            return DisplayRenderer.Render(reader.ReadFrame(0), DisplaySettings.Default);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Each output pixel: the mean of the input over its rectangle, every input pixel weighted by the
    /// area of its overlap, in double precision.</summary>
    internal static double[] ReferenceAreaAverage(byte[] source, int width, int height, int channels, int newWidth, int newHeight)
    {
        var result = new double[newWidth * newHeight * channels];
        double sx = (double)width / newWidth, sy = (double)height / newHeight;
        for (int oy = 0; oy < newHeight; oy++)
        {
            double y0 = oy * sy, y1 = (oy + 1) * sy;
            for (int ox = 0; ox < newWidth; ox++)
            {
                double x0 = ox * sx, x1 = (ox + 1) * sx;
                for (int c = 0; c < channels; c++)
                {
                    double sum = 0, area = 0;
                    for (int iy = (int)Math.Floor(y0); iy < Math.Min(height, (int)Math.Ceiling(y1)); iy++)
                    {
                        double dy = Math.Min(y1, iy + 1) - Math.Max(y0, iy);
                        for (int ix = (int)Math.Floor(x0); ix < Math.Min(width, (int)Math.Ceiling(x1)); ix++)
                        {
                            double overlap = dy * (Math.Min(x1, ix + 1) - Math.Max(x0, ix));
                            sum += overlap * source[(iy * width + ix) * channels + c];
                            area += overlap;
                        }
                    }
                    result[(oy * newWidth + ox) * channels + c] = sum / area;
                }
            }
        }
        return result;
    }

    private static void AssertClose(double[] expected, int[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        int worstAt = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(expected[i] - actual[i]);
            if (error > worst) (worst, worstAt) = (error, i);
        }
        Assert.True(worst <= tolerance + 1e-6,
            $"{what}: sample {worstAt} is {(worstAt >= 0 ? actual[worstAt] : 0)}, the area average is {(worstAt >= 0 ? expected[worstAt] : 0):0.###} (off by {worst:0.###}, tolerance {tolerance})");
    }

    /// <summary>
    /// Our Sixel decoded by ImageMagick into a true-colour PNG, read back by PIL: RGB triples, or one grey value a
    /// pixel when <paramref name="grey"/> (after checking R = G = B). ImageMagick 6.9's Sixel reader only gives correct
    /// raw samples through a plain PNG (not straight into rgb:/gray:, nor into PNG24:, which come out black), so PIL
    /// expands whatever PNG it wrote to RGB.
    /// </summary>
    private static int[] DecodeSixel(string sixel, bool grey, out int width, out int height)
    {
        Skip.IfNot(File.Exists(Convert), "ImageMagick (convert) is not installed");
        string directory = Directory.CreateTempSubdirectory("dicomtools-im-").FullName;
        try
        {
            string input = Path.Combine(directory, "in.six"), output = Path.Combine(directory, "out.png");
            File.WriteAllText(input, sixel, new System.Text.UTF8Encoding(false));
            var start = new ProcessStartInfo(Convert) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var argument in new[] { $"sixel:{input}", "-depth", "8", $"png:{output}" }) start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            string errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"ImageMagick could not read our Sixel: {errors}");
            var (mode, shape, samples) = ExportTestSupport.DecodeWithPil(File.ReadAllBytes(output), ".png", convertTo: "RGB");
            Assert.Equal("RGB", mode);
            (height, width) = (shape[0], shape[1]);
            if (!grey) return samples.Select(v => (int)v).ToArray();
            var values = new int[samples.Length / 3];
            for (int i = 0; i < values.Length; i++)
            {
                Assert.True(samples[i * 3] == samples[i * 3 + 1] && samples[i * 3] == samples[i * 3 + 2], $"pixel {i} of a grey Sixel is not grey");
                values[i] = samples[i * 3];
            }
            return values;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [SkippableFact]
    public void Sixel_of_a_ct_slice_decodes_in_imagemagick_to_the_area_average_at_the_requested_width()
    {
        var image = PhantomImage();
        string sixel = TerminalPicture.Render(image, TerminalProtocol.Sixel, columns: 30, CellSize.Default, pixelAspect: 1);
        Assert.StartsWith("\u001bP", sixel);
        Assert.EndsWith("\u001b\\", sixel);
        var decoded = DecodeSixel(sixel, grey: true, out int width, out int height);
        Assert.Equal((300, 300), (width, height)); // 30 cells of 10 pixels, square slice
        // Sixel registers are percentages (101 levels): one level of that on top of the half level of rounding.
        AssertClose(ReferenceAreaAverage(image.Pixels, 512, 512, 1, 300, 300), decoded, 1.5, "Sixel grey");
    }

    [SkippableFact]
    public void Sixel_keeps_every_grey_level_within_one_level()
    {
        // A 256x6 ramp: one band, every grey value once per row.
        var ramp = new byte[256 * 6];
        for (int i = 0; i < ramp.Length; i++) ramp[i] = (byte)(i % 256);
        string sixel = SixelEncoder.Encode(ramp, 256, 6, 1);
        var decoded = DecodeSixel(sixel, grey: true, out _, out _);
        AssertClose(ramp.Select(b => (double)b).ToArray(), decoded, 1, "grey ramp");
        Assert.True(Regex.Count(sixel, @"#\d+;2;") <= 101, "a grey Sixel needs at most 101 registers (percent steps)");
    }

    [SkippableFact]
    public void Sixel_colour_stays_within_the_palette_step()
    {
        var rgb = ExportTestSupport.Bytes8(40 * 13 * 3, seed: 7);
        string sixel = SixelEncoder.Encode(rgb, 40, 13, 3);
        var decoded = DecodeSixel(sixel, grey: false, out _, out _);
        // 6x7x6 levels: at most half a step (255/5/2 for red and blue), plus the percent rounding of the registers.
        AssertClose(rgb.Select(b => (double)b).ToArray(), decoded, 27, "RGB through the 6x7x6 palette");
    }

    [SkippableFact]
    public void Kitty_payload_is_chunked_base64_png_of_the_area_average()
    {
        var image = PhantomImage();
        string kitty = TerminalPicture.Render(image, TerminalProtocol.Kitty, columns: 25, CellSize.Default, pixelAspect: 1);
        var chunks = Regex.Matches(kitty, "\u001b_G([^;\u001b]*);([A-Za-z0-9+/=]*)\u001b\\\\");
        Assert.True(chunks.Count > 1, "a 250-pixel slice should need several 4096-byte chunks");
        Assert.Equal(kitty.Length, chunks.Sum(m => m.Length));
        Assert.Contains("a=T", chunks[0].Groups[1].Value);
        Assert.Contains("f=100", chunks[0].Groups[1].Value);
        Assert.Contains("c=25", chunks[0].Groups[1].Value);
        for (int i = 0; i < chunks.Count; i++)
        {
            Assert.True(chunks[i].Groups[2].Length <= 4096, $"chunk {i} carries {chunks[i].Groups[2].Length} base64 characters");
            Assert.Contains(i < chunks.Count - 1 ? "m=1" : "m=0", chunks[i].Groups[1].Value);
        }
        var png = System.Convert.FromBase64String(string.Concat(chunks.Select(m => m.Groups[2].Value)));
        var (mode, shape, samples) = ExportTestSupport.DecodeWithPil(png, ".png");
        Assert.Equal("L", mode);
        Assert.Equal(new[] { 250, 250 }, shape);
        AssertClose(ReferenceAreaAverage(image.Pixels, 512, 512, 1, 250, 250), samples.Select(s => (int)s).ToArray(), 1, "kitty PNG");
    }

    [SkippableFact]
    public void ITerm2_sequence_is_an_inline_base64_png_of_the_area_average()
    {
        var image = PhantomImage();
        string iterm = TerminalPicture.Render(image, TerminalProtocol.ITerm2, columns: 20, CellSize.Default, pixelAspect: 1);
        var match = Regex.Match(iterm, "^\u001b\\]1337;File=([^:]*):([A-Za-z0-9+/=]+)\u0007$");
        Assert.True(match.Success, "not one OSC 1337 File= sequence ended by BEL");
        Assert.Contains("inline=1", match.Groups[1].Value);
        Assert.Contains("width=20", match.Groups[1].Value);
        var png = System.Convert.FromBase64String(match.Groups[2].Value);
        Assert.Contains($"size={png.Length}", match.Groups[1].Value);
        var (_, shape, samples) = ExportTestSupport.DecodeWithPil(png, ".png");
        Assert.Equal(new[] { 200, 200 }, shape);
        AssertClose(ReferenceAreaAverage(image.Pixels, 512, 512, 1, 200, 200), samples.Select(s => (int)s).ToArray(), 1, "iTerm2 PNG");
    }

    /// <summary>Parses half-block rows back into pixels: foreground = top, background = bottom.</summary>
    internal static (int Width, int Height, int[] Rgb) ParseBlocks(string text)
    {
        var rows = text.Split('\n');
        int width = -1;
        var pixels = new List<int[]>();
        foreach (var row in rows)
        {
            var top = new List<int>();
            var bottom = new List<int>();
            int fg = -1, bg = -1;
            foreach (Match token in Regex.Matches(row, "\u001b\\[(\\d+(?:;\\d+)*)m|(\u2580)|(.)"))
            {
                if (token.Groups[1].Success)
                {
                    var p = token.Groups[1].Value.Split(';').Select(int.Parse).ToArray();
                    if (p[0] == 38 && p[1] == 2) fg = p[2] << 16 | p[3] << 8 | p[4];
                    else if (p[0] == 48 && p[1] == 2) bg = p[2] << 16 | p[3] << 8 | p[4];
                    else if (p[0] == 0 || p[0] == 49) bg = p[0] == 49 ? -1 : bg;
                    else Assert.Fail($"unexpected SGR {token.Value}");
                }
                else if (token.Groups[2].Success)
                {
                    top.Add(fg);
                    bottom.Add(bg);
                }
                else Assert.Fail($"unexpected character U+{(int)token.Value[0]:X4} in a block row");
            }
            if (width < 0) width = top.Count;
            Assert.Equal(width, top.Count);
            pixels.Add(top.ToArray());
            if (bottom.Any(b => b >= 0)) pixels.Add(bottom.ToArray());
        }
        return (width, pixels.Count, pixels.SelectMany(r => r).ToArray());
    }

    [Fact]
    public void Blocks_print_half_block_rows_in_24_bit_colour_that_parse_back_to_the_area_average()
    {
        var image = PhantomImage();
        string blocks = TerminalPicture.Render(image, TerminalProtocol.Blocks, columns: 40, CellSize.Default, pixelAspect: 1);
        Assert.Contains("\u001b[38;2;", blocks);
        Assert.Contains("\u001b[48;2;", blocks);
        Assert.Equal(20, blocks.Split('\n').Length); // 40 x 40 pixels, two a cell
        var (width, height, rgb) = ParseBlocks(blocks);
        Assert.Equal((40, 40), (width, height));
        Assert.All(rgb, c => Assert.True((c >> 16 & 0xFF) == (c & 0xFF) && (c >> 8 & 0xFF) == (c & 0xFF), "grey stays grey"));
        AssertClose(ReferenceAreaAverage(image.Pixels, 512, 512, 1, 40, 40), rgb.Select(c => c & 0xFF).ToArray(), 1, "half blocks");
    }

    [Fact]
    public void Blocks_of_an_odd_height_leave_the_last_bottom_halves_in_the_default_background()
    {
        var pixels = new byte[] { 10, 20, 30, 40, 50, 60 }; // 2 x 3
        string blocks = HalfBlockEncoder.Encode(pixels, 2, 3, 1);
        var rows = blocks.Split('\n');
        Assert.Equal(2, rows.Length);
        Assert.DoesNotContain("[48;", rows[1]);
        var (width, height, rgb) = ParseBlocks(blocks);
        Assert.Equal((2, 3), (width, height));
        Assert.Equal(pixels.Select(p => p * 0x010101), rgb);
    }

    [Fact]
    public void Rgb_blocks_carry_the_exact_colours()
    {
        var rgb = ExportTestSupport.Bytes8(5 * 4 * 3, seed: 3);
        var (width, height, parsed) = ParseBlocks(HalfBlockEncoder.Encode(rgb, 5, 4, 3));
        Assert.Equal((5, 4), (width, height));
        for (int i = 0; i < 20; i++) Assert.Equal(rgb[i * 3] << 16 | rgb[i * 3 + 1] << 8 | rgb[i * 3 + 2], parsed[i]);
    }

    [Theory]
    [InlineData("", "0.5\\1.0", 0.5)]          // rows half as far apart as columns: the picture is half as tall
    [InlineData("2\\1", "0.5\\0.5", 2.0)]      // Pixel Aspect Ratio wins over Pixel Spacing
    [InlineData(null, null, 1.0)]
    [InlineData("garbage", "0\\1", 1.0)]
    public void Pixel_shape_comes_from_pixel_aspect_ratio_then_pixel_spacing(string? ratio, string? spacing, double expected) =>
        Assert.Equal(expected, TerminalLayout.PixelAspect(ratio, spacing), 6);

    [Fact]
    public void Non_square_pixels_change_the_picture_height_not_its_width()
    {
        Assert.Equal((300, 150), TerminalLayout.PixelSize(TerminalProtocol.Sixel, 512, 512, 0.5, 30, CellSize.Default));
        Assert.Equal((40, 20), TerminalLayout.PixelSize(TerminalProtocol.Blocks, 512, 512, 0.5, 40, CellSize.Default));
        Assert.Equal((40, 80), TerminalLayout.PixelSize(TerminalProtocol.Blocks, 256, 512, 1, 40, CellSize.Default));
    }

    [Fact]
    public void Default_width_fits_the_window_and_does_not_enlarge_bitmaps()
    {
        // 120 x 50 window, square 512 slice: rows per column = 10/20, so 48 rows allow 96 columns.
        Assert.Equal(96, TerminalLayout.DefaultColumns(TerminalProtocol.Blocks, 512, 512, 1, 120, 50, CellSize.Default));
        // Unknown rows: the width alone, less one column.
        Assert.Equal(79, TerminalLayout.DefaultColumns(TerminalProtocol.Blocks, 512, 512, 1, 80, 0, CellSize.Default));
        // A 64-pixel image as Sixel: 7 cells of 10 pixels is as wide as it gets without enlarging.
        Assert.Equal(7, TerminalLayout.DefaultColumns(TerminalProtocol.Sixel, 64, 64, 1, 200, 0, CellSize.Default));
    }

    [Theory]
    [InlineData("KITTY_WINDOW_ID=3", TerminalProtocol.Kitty)]
    [InlineData("TERM=xterm-kitty", TerminalProtocol.Kitty)]
    [InlineData("TERM_PROGRAM=ghostty", TerminalProtocol.Kitty)]
    [InlineData("TERM_PROGRAM=iTerm.app", TerminalProtocol.ITerm2)]
    [InlineData("TERM_PROGRAM=WezTerm", TerminalProtocol.ITerm2)]
    [InlineData("TERM_PROGRAM=vscode", TerminalProtocol.ITerm2)]
    [InlineData("WT_SESSION=abc", TerminalProtocol.Sixel)]
    [InlineData("TERM=foot", TerminalProtocol.Sixel)]
    [InlineData("TERM=xterm-256color", null)]
    [InlineData("TERM=xterm-direct", null)]
    public void Environment_names_the_protocol_or_leaves_it_open(string variable, TerminalProtocol? expected)
    {
        var (name, value) = (variable.Split('=')[0], variable.Split('=')[1]);
        Assert.Equal(expected, TerminalDetection.FromEnvironment(v => v == name ? value : null));
    }

    [Theory]
    [InlineData("\u001b[?63;1;2;4;6;9;15;22c", true)]   // xterm -ti vt340
    [InlineData("\u001b[?62;4;9;22c", true)]
    [InlineData("\u001b[?64;1;2;6;9;15;18;21;22c", false)]  // xterm without Sixel
    [InlineData("\u001b[?4;1c", false)]                 // 4 as the class, not a feature
    [InlineData("", false)]
    public void Device_attributes_reply_reports_sixel_as_attribute_4(string reply, bool sixel) =>
        Assert.Equal(sixel, TerminalDetection.ReportsSixel(reply));

    [Fact]
    public void Cell_size_reply_is_height_then_width() =>
        Assert.Equal(new CellSize(9, 18), TerminalDetection.ParseCellSize("\u001b[6;18;9t"));
}
