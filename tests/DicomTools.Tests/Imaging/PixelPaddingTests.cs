using System.Text.Json;
using DicomTools.Codecs;
using DicomTools.Dicom;
using DicomTools.Imaging;
using DicomTools.Pixels;
using DicomTools.Tests.Support;
using Xunit;

namespace DicomTools.Tests.Imaging;

/// <summary>
/// Pixel Padding Value / Range Limit (PS3.3 C.7.5.1.1.2): padding pixels are stored values left out of every
/// statistic and shown black (level 0), inverted or not. Expected values come from the standard's formulas
/// (C.11.2.1.2 with y_min = 0) and, for the corpus, from numpy over pydicom's reading of the file.
/// </summary>
public sealed class PixelPaddingTests
{
    private static DicomPixelData Padded(Array pixels, int bits, bool signed, PixelPadding? padding, string photometric = "MONOCHROME2",
        double? slope = null, double? intercept = null)
    {
        var frame = TestFrames.Grey(pixels, bits, signed, photometric, slope, intercept);
        return new DicomPixelData
        {
            Path = frame.Path, Frame = frame.Frame, NumberOfFrames = 1, Rows = frame.Rows, Columns = frame.Columns,
            SamplesPerPixel = 1, PhotometricInterpretation = photometric, BitsAllocated = frame.BitsAllocated,
            BitsStored = bits, IsSigned = signed, Pixels = pixels, RescaleSlope = slope, RescaleIntercept = intercept,
            Padding = padding,
        };
    }

    private static byte Linear(double x, double lo, double hi) =>
        (byte)Math.Floor(Standard.Linear(x, (lo + hi + 1) / 2, hi - lo + 1, 255) + 0.5);

    [Fact]
    public void MinMax_leaves_a_single_padding_value_out_and_shows_it_black()
    {
        short[] pixels = { -2000, 0, 100, 200, -2000, 400 };
        var frame = Padded(pixels, 16, true, new PixelPadding(-2000, -2000), slope: 1, intercept: -1024);
        var image = DisplayRenderer.Render(frame, new DisplaySettings { AutoWindow = AutoWindowMode.MinMax });
        Assert.Equal(-1024, frame.ModalityMinimum);
        Assert.Equal(400 - 1024, frame.ModalityMaximum);
        var expected = pixels.Select(v => v == -2000 ? (byte)0 : Linear(v - 1024, -1024, 400 - 1024)).ToArray();
        Assert.Equal(expected, image.Pixels);
        Assert.Equal((-1024 + 400 - 1024 + 1) / 2.0, image.WindowCenter);
        Assert.Equal(401, image.WindowWidth);
        Assert.Equal(new PixelPadding(-2000, -2000), image.Padding);
    }

    [Fact]
    public void A_padding_range_is_inclusive_at_both_ends()
    {
        ushort[] pixels = { 0, 5, 10, 11, 50, 100 };
        var frame = Padded(pixels, 12, false, new PixelPadding(0, 10));
        var image = DisplayRenderer.Render(frame, new DisplaySettings { AutoWindow = AutoWindowMode.MinMax });
        Assert.Equal(new byte[] { 0, 0, 0, 0, Linear(50, 11, 100), 255 }, image.Pixels);
    }

    [Theory]
    [InlineData("MONOCHROME1", false)]
    [InlineData("MONOCHROME2", true)]
    [InlineData("MONOCHROME1", true)]
    public void Padding_stays_black_when_the_image_is_inverted(string photometric, bool invert)
    {
        ushort[] pixels = { 4095, 0, 1000, 2000 };
        var frame = Padded(pixels, 12, false, new PixelPadding(4095, 4095), photometric);
        var image = DisplayRenderer.Render(frame, new DisplaySettings { Center = 1000, Width = 2000, Invert = invert });
        bool inverted = (photometric == "MONOCHROME1") != invert;
        Assert.Equal(inverted, image.Inverted);
        byte Level(double x)
        {
            var level = (byte)Math.Floor(Standard.Linear(x, 1000, 2000, 255) + 0.5);
            return inverted ? (byte)(255 - level) : level;
        }
        Assert.Equal(new byte[] { 0, Level(0), Level(1000), Level(2000) }, image.Pixels);
        var grey16 = DisplayRenderer.RenderGrey16(frame, new DisplaySettings { Center = 1000, Width = 2000, Invert = invert });
        Assert.Equal(0, grey16[0]);
    }

    [Fact]
    public void IgnorePadding_counts_and_windows_padding_like_any_value()
    {
        short[] pixels = { -2000, 0, 100, 200 };
        var frame = Padded(pixels, 16, true, new PixelPadding(-2000, -2000));
        var image = DisplayRenderer.Render(frame, new DisplaySettings { AutoWindow = AutoWindowMode.MinMax, IgnorePadding = true });
        Assert.Equal(pixels.Select(v => Linear(v, -2000, 200)).ToArray(), image.Pixels);
        Assert.Null(image.Padding);
    }

    [Fact]
    public void Percentiles_are_taken_over_the_non_padding_pixels()
    {
        // numpy.percentile([10..19], [10, 90]) = 10.9, 18.1: the hundred padding pixels change nothing.
        var values = Enumerable.Range(10, 10).Select(v => (ushort)v).Concat(Enumerable.Repeat((ushort)0, 100)).ToArray();
        var frame = Padded(values, 8, false, new PixelPadding(0, 0));
        var image = DisplayRenderer.Render(frame, new DisplaySettings { AutoWindow = AutoWindowMode.Percentile, PercentileLow = 10, PercentileHigh = 90 });
        Assert.Equal((10.9 + 18.1 + 1) / 2, image.WindowCenter!.Value, 9);
        Assert.Equal(18.1 - 10.9 + 1, image.WindowWidth!.Value, 9);
        Assert.All(image.Pixels.Skip(10), p => Assert.Equal(0, p));
    }

    [Fact]
    public void Float_and_32_bit_samples_leave_padding_out_too()
    {
        float[] floats = { -1e6f, 0.5f, 1.5f, 2.5f };
        var f = Padded(floats, 32, false, new PixelPadding(-1e6, -1e6));
        var fi = DisplayRenderer.Render(f, new DisplaySettings { AutoWindow = AutoWindowMode.MinMax });
        Assert.Equal(new byte[] { 0, 0, Linear(1.5, 0.5, 2.5), 255 }, fi.Pixels);

        int[] ints = { -100000, 10, 20, 30 };
        var i = Padded(ints, 32, true, new PixelPadding(-100000, -100000));
        var ii = DisplayRenderer.Render(i, new DisplaySettings { AutoWindow = AutoWindowMode.MinMax });
        Assert.Equal(new byte[] { 0, 0, Linear(20, 10, 30), 255 }, ii.Pixels);
    }

    [Fact]
    public void Tables_with_and_without_padding_are_cached_apart()
    {
        short[] pixels = { -2000, 0 };
        var padded = Padded(pixels, 16, true, new PixelPadding(-2000, -2000));
        var settings = new DisplaySettings { Center = -1000, Width = 2000 };
        Assert.Equal(0, DisplayRenderer.Render(padded, settings).Pixels[0]);
        // Same window, same stored domain, no padding: -2000 is below the window and black too, so look at a
        // window that shows it: the cached padded table must not be reused.
        var wide = new DisplaySettings { Center = -2000, Width = 10 };
        Assert.Equal(0, DisplayRenderer.Render(padded, wide).Pixels[0]);
        Assert.NotEqual(0, DisplayRenderer.Render(padded, wide with { IgnorePadding = true }).Pixels[0]);
    }

    // ---- reading the attributes ----

    private static DicomDataset Dataset(Action<DicomBytes> write, bool explicitVR = true, bool bigEndian = false)
    {
        var body = new DicomBytes(explicitVR, bigEndian);
        write(body);
        var uid = !explicitVR ? DicomBytes.ImplicitLE : bigEndian ? DicomBytes.ExplicitBE : DicomBytes.ExplicitLE;
        return DicomBytes.Read(DicomBytes.Part10(uid, body)).Dataset;
    }

    private static FrameGeometry Geometry(bool signed, int bits = 16, string photometric = "MONOCHROME2", int samples = 1) =>
        new(2, 2, samples, bits, bits, signed, photometric, 0);

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void A_padding_value_written_as_US_in_a_signed_image_is_negative(bool explicitVR, bool bigEndian)
    {
        // 63536 = 0xF830, the 16 bits of -2000.
        var ds = Dataset(b => b.US(0x0028, 0x0120, 63536), explicitVR, bigEndian);
        Assert.Equal(new PixelPadding(-2000, -2000), PixelPadding.FromDataset(ds, Geometry(signed: true), false));
        Assert.Equal(new PixelPadding(63536, 63536), PixelPadding.FromDataset(ds, Geometry(signed: false), false));
    }

    [Fact]
    public void Value_and_range_limit_make_an_inclusive_range_in_either_order()
    {
        var ds = Dataset(b => b.SS(0x0028, 0x0120, -1000).SS(0x0028, 0x0121, -3000));
        Assert.Equal(new PixelPadding(-3000, -1000), PixelPadding.FromDataset(ds, Geometry(signed: true), false));
    }

    [Fact]
    public void Float_pixel_data_uses_the_float_and_double_padding_attributes()
    {
        var ds = Dataset(b => b.US(0x0028, 0x0120, 5).FL(0x0028, 0x0122, -1.5f).FD(0x0028, 0x0123, -2.5).FL(0x0028, 0x0124, -0.5f).FD(0x0028, 0x0125, -9));
        Assert.Equal(new PixelPadding(-1.5, -0.5), PixelPadding.FromDataset(ds, Geometry(false, 32), true));
        Assert.Equal(new PixelPadding(-9, -2.5), PixelPadding.FromDataset(ds, Geometry(false, 64), true));
        Assert.Equal(new PixelPadding(5, 5), PixelPadding.FromDataset(ds, Geometry(false, 16), false));
    }

    [Fact]
    public void Colour_images_and_files_without_padding_have_none()
    {
        var ds = Dataset(b => b.US(0x0028, 0x0120, 0));
        Assert.Null(PixelPadding.FromDataset(ds, Geometry(false, 8, "RGB", 3), false));
        Assert.Null(PixelPadding.FromDataset(Dataset(b => b.US(0x0028, 0x0010, 2)), Geometry(false), false));
    }

    private static string Fixture(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "fixtures", "presentation", name);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException(name);
    }

    [Fact]
    public void A_file_with_a_US_padding_value_and_an_SS_range_limit_windows_only_its_disc()
    {
        // Written by pydicom: 48x48 signed, stored x*30 + y*7 - 200 inside a disc of radius 20 around (24, 24),
        // -2000 outside it (Pixel Padding Value written as US 63536), -1700 on five pixels of row 0 (inside the
        // Pixel Padding Range Limit -1500), rescale intercept -1024.
        var frame = PixelDataReader.Open(Fixture("padding_signed_range.dcm")).ReadFrame(0);
        Assert.Equal(new PixelPadding(-2000, -1500), frame.Padding);
        var inside = from y in Enumerable.Range(0, 48) from x in Enumerable.Range(0, 48)
                     where (x - 24) * (x - 24) + (y - 24) * (y - 24) <= 400 && !(y == 0 && x < 5)
                     select x * 30 + y * 7 - 200 - 1024;
        Assert.Equal(inside.Min(), frame.ModalityMinimum);
        Assert.Equal(inside.Max(), frame.ModalityMaximum);
        var image = DisplayRenderer.Render(frame, new DisplaySettings { AutoWindow = AutoWindowMode.MinMax });
        Assert.Equal(0, image.Pixels[0]);
        Assert.Equal(255, image.Pixels.Max());
    }

    [Fact]
    public void Float_pixel_data_reads_Float_Pixel_Padding_Value()
    {
        var frame = PixelDataReader.Open(Fixture("padding_float.dcm")).ReadFrame(0);
        Assert.Equal(new PixelPadding(-1e30f, -1e30f), frame.Padding);
        // numpy.linspace(-1, 1, 256) without its first 32 values (the padded rows).
        Assert.Equal(-1 + 32 * 2.0 / 255, frame.ModalityMinimum, 6);
        Assert.Equal(1, frame.ModalityMaximum, 6);
    }

    // ---- the corpus, against numpy ----

    private const string NumpyScript = """
        import sys, json
        import numpy as np, pydicom
        for path in sys.argv[1:]:
            ds = pydicom.dcmread(path)
            a = ds.pixel_array.astype(np.float64)
            pad = float(ds.PixelPaddingValue)
            slope, icpt = float(ds.get("RescaleSlope", 1)), float(ds.get("RescaleIntercept", 0))
            keep = a != pad
            m = a * slope + icpt
            lo, hi = m[keep].min(), m[keep].max()
            c, w = (lo + hi + 1) / 2, hi - lo + 1
            # PS3.3 C.11.2.1.2.1 with y_min 0, y_max 255, rounded half up; padding black.
            y = np.where(m <= c - 0.5 - (w - 1) / 2, 0.0,
                np.where(m > c - 0.5 + (w - 1) / 2, 255.0, ((m - (c - 0.5)) / (w - 1) + 0.5) * 255))
            out = np.floor(y + 0.5)
            out[~keep] = 0
            # A level exactly half-way between two integers may round either way in floating point.
            tie = keep & (np.abs(y - np.floor(y) - 0.5) < 1e-9)
            print(json.dumps(dict(center=c, width=w, fraction=float((~keep).mean()),
                                  pixels=out.astype(np.uint8).tobytes().hex(), ties=tie.astype(np.uint8).tobytes().hex())))
        """;

    [SkippableTheory]
    [InlineData("fodicom__D_CLUNIE_CT1_RLE_FRAGS.dcm")]
    [InlineData("pydicomdata__693_UNCI.dcm")]
    public void MinMax_on_a_padded_CT_spans_the_anatomy_and_shows_padding_black(string name)
    {
        Skip.If(TestCorpus.Directory is null, "corpus not found");
        var path = TestCorpus.PathOf(name);
        JsonElement expected = PydicomScript.RunJsonLines(NumpyScript, new[] { path }).Single();
        var frame = PixelDataReader.Open(path).ReadFrame(0);
        Assert.NotNull(frame.Padding);
        var image = DisplayRenderer.Render(frame, new DisplaySettings { AutoWindow = AutoWindowMode.MinMax });
        Assert.Equal(expected.GetProperty("center").GetDouble(), image.WindowCenter);
        Assert.Equal(expected.GetProperty("width").GetDouble(), image.WindowWidth);
        byte[] want = Convert.FromHexString(expected.GetProperty("pixels").GetString()!);
        byte[] ties = Convert.FromHexString(expected.GetProperty("ties").GetString()!);
        var differing = Enumerable.Range(0, want.Length)
            .Where(i => want[i] != image.Pixels[i] && !(ties[i] == 1 && Math.Abs(want[i] - image.Pixels[i]) == 1)).ToList();
        Assert.True(differing.Count == 0, $"{name}: {differing.Count} of {want.Length} pixels differ from numpy's window over the non-padding pixels, e.g. "
            + string.Join(", ", differing.Take(5).Select(i => $"#{i} stored {SampleKinds.At(frame.Pixels, SampleKinds.Of(frame.Pixels), i)}: numpy {want[i]}, ours {image.Pixels[i]}")));
        if (name.Contains("CT1")) Assert.InRange(expected.GetProperty("fraction").GetDouble(), 0.2, 0.22);
    }
}
