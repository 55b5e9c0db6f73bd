using DicomTools.Imaging;
using DicomTools.Pixels;
using Xunit;

namespace DicomTools.Tests.Imaging;

/// <summary>Colour frames: RGB, YBR_FULL(_422) by PS3.3 C.7.6.3.1.2, PALETTE COLOR by C.7.6.3.1.5.</summary>
public sealed class ColorRenderingTests
{
    /// <summary>
    /// RGB from YCbCr by solving the standard's forward equations (C.7.6.3.1.2, coefficients as printed:
    /// Y = .2990R + .5870G + .1140B, CB = -.1687R - .3313G + .5000B + 128, CR = .5000R - .4187G - .0813B + 128)
    /// with Cramer's rule, rounded floor(v + 0.5) and clipped.
    /// </summary>
    private static (int R, int G, int B) SolveStandard(double y, double cb, double cr)
    {
        double[,] m = { { 0.2990, 0.5870, 0.1140 }, { -0.1687, -0.3313, 0.5000 }, { 0.5000, -0.4187, -0.0813 } };
        double[] v = { y, cb - 128, cr - 128 };
        double Det(double[,] a) =>
            a[0, 0] * (a[1, 1] * a[2, 2] - a[1, 2] * a[2, 1]) - a[0, 1] * (a[1, 0] * a[2, 2] - a[1, 2] * a[2, 0])
            + a[0, 2] * (a[1, 0] * a[2, 1] - a[1, 1] * a[2, 0]);
        double d = Det(m);
        int Channel(int column)
        {
            var a = (double[,])m.Clone();
            for (int r = 0; r < 3; r++) a[r, column] = v[r];
            return Standard.Round(Det(a) / d, 255);
        }
        return (Channel(0), Channel(1), Channel(2));
    }

    [Theory]
    [InlineData("YBR_FULL")]
    [InlineData("YBR_FULL_422")]
    public void Ybr_full_converts_by_the_standard_equations(string pi)
    {
        // Known triples: the grey axis is exact; (76, 85, 255) is nearly pure red:
        // R = 76 + 1.402 x 127 = 254.05 -> 254, G = 76 + 0.344 x 43 - 0.714 x 127 = 0.10 -> 0, B = 76 - 1.772 x 43 = -0.2 -> 0.
        var frame = TestFrames.Color(new byte[] { 128, 128, 128, 0, 128, 128, 255, 128, 128, 76, 85, 255 }, pi);
        var image = DisplayRenderer.Render(frame, new DisplaySettings());
        Assert.True(image.IsColor);
        Assert.Equal(new byte[] { 128, 128, 128, 0, 0, 0, 255, 255, 255, 254, 0, 0 }, image.Pixels);

        var random = new Random(1234);
        var ybr = new byte[3 * 5000];
        random.NextBytes(ybr);
        var rgb = DisplayRenderer.Render(TestFrames.Color(ybr, pi), new DisplaySettings()).Pixels;
        for (int i = 0; i < ybr.Length; i += 3)
        {
            var (r, g, b) = SolveStandard(ybr[i], ybr[i + 1], ybr[i + 2]);
            // The standard prints its coefficients to 4 decimals; an exact inverse differs by < 0.05 of a level,
            // which can move a value sitting at .5 by one.
            Assert.InRange(rgb[i] - r, -1, 1);
            Assert.InRange(rgb[i + 1] - g, -1, 1);
            Assert.InRange(rgb[i + 2] - b, -1, 1);
        }
    }

    [Fact]
    public void Rgb_8_bit_passes_through_and_deeper_samples_scale_by_bits_stored()
    {
        var bytes = new byte[] { 1, 2, 3, 250, 251, 252 };
        Assert.Equal(bytes, DisplayRenderer.Render(TestFrames.Color(bytes, "RGB"), new DisplaySettings()).Pixels);

        // v x 255 / (2^12 - 1) (make_refs.py color_ref): 4095 -> 255, 2048 -> 127.53 -> 128, 1 -> 0.06 -> 0.
        var deep = new ushort[] { 4095, 2048, 1, 0, 16, 3000 };
        var image = DisplayRenderer.Render(TestFrames.Color(deep, "RGB", bitsStored: 12), new DisplaySettings());
        Assert.Equal(deep.Select(v => (byte)Standard.Round(v * 255.0 / 4095, 255)), image.Pixels);
        Assert.Equal(new byte[] { 255, 128, 0 }, image.Pixels[..3]);

        var wide = new uint[] { uint.MaxValue, 0, 1u << 31 };
        var wideImage = DisplayRenderer.Render(TestFrames.Color(wide, "RGB", bitsStored: 32), new DisplaySettings());
        Assert.Equal(new byte[] { 255, 0, 128 }, wideImage.Pixels);
    }

    [Fact]
    public void Windowing_asked_for_colour_warns_and_is_ignored()
    {
        var bytes = new byte[] { 1, 2, 3 };
        var warnings = new List<string>();
        var image = DisplayRenderer.Render(TestFrames.Color(bytes, "RGB"), new DisplaySettings { Center = 40, Width = 400 }, warnings.Add);
        Assert.Equal(bytes, image.Pixels);
        Assert.Single(warnings, w => w.Contains("colour"));
        Assert.Null(image.VoiSource);
        Assert.Throws<ArgumentException>(() => DisplayRenderer.RenderGrey16(TestFrames.Color(bytes, "RGB"), new DisplaySettings()));
    }

    private static DicomLut Channel(int first, int bits, Func<int, int> entry, int count = 256) =>
        new(first, bits, Enumerable.Range(0, count).Select(i => (ushort)entry(i)).ToArray());

    [Fact]
    public void Palette_with_8_bit_entries_looks_up_each_index()
    {
        var indexes = new byte[] { 0, 1, 127, 255 };
        var frame = TestFrames.Color(indexes, "PALETTE COLOR", samplesPerPixel: 1,
            red: Channel(0, 8, i => i), green: Channel(0, 8, i => 255 - i), blue: Channel(0, 8, i => i * 7 % 256));
        var image = DisplayRenderer.Render(frame, new DisplaySettings());
        Assert.True(image.IsColor);
        Assert.Equal(indexes.SelectMany(i => new[] { (byte)i, (byte)(255 - i), (byte)(i * 7 % 256) }), image.Pixels);
    }

    [Fact]
    public void Palette_with_16_bit_entries_scales_to_8_bits()
    {
        // e x 255 / 65535: 0x8080 -> 128 exactly, 0x8000 -> 127.50 -> 128, 0xFFFF -> 255, 0x0100 -> 0.996 -> 1.
        var entries = new ushort[] { 0x8080, 0x8000, 0xFFFF, 0x0100 };
        var lut = new DicomLut(0, 16, entries);
        var frame = TestFrames.Color(new byte[] { 0, 1, 2, 3 }, "PALETTE COLOR", samplesPerPixel: 1, red: lut, green: lut, blue: lut);
        var image = DisplayRenderer.Render(frame, new DisplaySettings());
        Assert.Equal(entries.SelectMany(e => Enumerable.Repeat((byte)Standard.Round(e * 255.0 / 65535, 255), 3)), image.Pixels);
        Assert.Equal(new byte[] { 128, 128, 128, 128, 128, 128, 255, 255, 255, 1, 1, 1 }, image.Pixels);
    }

    [Fact]
    public void Palette_first_mapped_value_clamps_and_16_bit_indexes_work()
    {
        // First mapped 1000 over 16-bit indexes: below -> entry 0, above the 4 entries -> entry 3.
        var lut = new DicomLut(1000, 8, new ushort[] { 10, 20, 30, 40 });
        var frame = TestFrames.Color(new ushort[] { 0, 1000, 1002, 1003, 60000 }, "PALETTE COLOR", bitsStored: 16, samplesPerPixel: 1,
            red: lut, green: lut, blue: lut);
        var image = DisplayRenderer.Render(frame, new DisplaySettings());
        Assert.Equal(new byte[] { 10, 10, 30, 40, 40 }.SelectMany(v => new[] { v, v, v }), image.Pixels);
    }

    [Fact]
    public void Palette_declared_16_bit_with_8_bit_values_is_read_as_8_bit()
    {
        // What DCMTK does (a 16-bit reading would turn 255 into 0.99 and the image black).
        var lut = Channel(0, 16, i => i);
        var warnings = new List<string>();
        var frame = TestFrames.Color(new byte[] { 0, 200, 255 }, "PALETTE COLOR", samplesPerPixel: 1, red: lut, green: lut, blue: lut);
        var image = DisplayRenderer.Render(frame, new DisplaySettings(), warnings.Add);
        Assert.Equal(new byte[] { 0, 0, 0, 200, 200, 200, 255, 255, 255 }, image.Pixels);
        Assert.Single(warnings);
    }

    [Fact]
    public void Palette_without_tables_is_an_error_that_names_the_channel()
    {
        // A data error (the file lacks the table), reported as the pixel-data error type the cmdlets name per frame.
        var frame = TestFrames.Color(new byte[] { 0 }, "PALETTE COLOR", samplesPerPixel: 1, red: Channel(0, 8, i => i));
        var ex = Assert.Throws<DicomTools.PixelDataException>(() => DisplayRenderer.Render(frame, new DisplaySettings()));
        Assert.Contains("green", ex.Message);
    }
}
