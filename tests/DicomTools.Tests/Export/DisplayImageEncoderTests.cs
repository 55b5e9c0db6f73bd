using DicomTools.Export;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Xunit;
using static DicomTools.Tests.Export.ExportTestSupport;

namespace DicomTools.Tests.Export;

public sealed class DisplayImageEncoderTests
{
    private static byte[] Encode(DicomTools.DicomDisplayImage image, ImageFormat format, EncodeOptions? options = null)
    {
        using var stream = new MemoryStream();
        DisplayImageEncoder.Encode(image, stream, format, options);
        return stream.ToArray();
    }

    private static byte[] Encode16(ushort[] samples, int width, int height, ImageFormat format, EncodeOptions? options = null)
    {
        using var stream = new MemoryStream();
        DisplayImageEncoder.EncodeGrey16(samples, width, height, stream, format, options);
        return stream.ToArray();
    }

    private static byte[] DecodeL8(byte[] file)
    {
        using Image<L8> image = Image.Load<L8>(file);
        var pixels = new L8[image.Width * image.Height];
        image.CopyPixelDataTo(pixels);
        return pixels.Select(p => p.PackedValue).ToArray();
    }

    private static ushort[] DecodeL16(byte[] file, out int width, out int height)
    {
        using Image<L16> image = Image.Load<L16>(file);
        width = image.Width;
        height = image.Height;
        var pixels = new L16[image.Width * image.Height];
        image.CopyPixelDataTo(pixels);
        return pixels.Select(p => p.PackedValue).ToArray();
    }

    [Theory]
    [InlineData(ImageFormat.Png)]
    [InlineData(ImageFormat.Tiff)]
    [InlineData(ImageFormat.Bmp)]
    [InlineData(ImageFormat.Webp)]
    public void Grey8_lossless_formats_decode_to_the_same_bytes(ImageFormat format)
    {
        const int width = 37, height = 23; // odd sizes: row padding (BMP), strip and block edges
        byte[] pixels = Bytes8(width * height, seed: 1);
        byte[] file = Encode(Grey(width, height, pixels), format);

        using Image<L8> decoded = Image.Load<L8>(file);
        Assert.Equal(width, decoded.Width);
        Assert.Equal(height, decoded.Height);
        Assert.Equal(pixels, DecodeL8(file));
    }

    [Fact]
    public void Grey8_png_is_colour_type_0_with_bit_depth_8_and_no_metadata_chunks()
    {
        byte[] file = Encode(Grey(16, 9, Bytes8(16 * 9, 2)), ImageFormat.Png);

        PngHeader header = ReadPngHeader(file);
        Assert.Equal((16, 9), (header.Width, header.Height));
        Assert.Equal(0, header.ColorType);   // greyscale (PNG spec table 11.1)
        Assert.Equal(8, header.BitDepth);
        Assert.Equal(new[] { "IHDR", "IDAT", "IEND" }, PngChunkTypes(file).Distinct());
    }

    [Fact]
    public void Grey16_png_round_trips_exactly_and_is_colour_type_0_bit_depth_16()
    {
        const int width = 41, height = 17;
        ushort[] samples = Samples16(width * height, seed: 3);
        byte[] file = Encode16(samples, width, height, ImageFormat.Png);

        PngHeader header = ReadPngHeader(file);
        Assert.Equal(0, header.ColorType);
        Assert.Equal(16, header.BitDepth);
        Assert.Equal(samples, DecodeL16(file, out int w, out int h));
        Assert.Equal((width, height), (w, h));
    }

    [Theory]
    [InlineData(41, 17, EncodeOptions.DefaultCompressionLevel)] // one strip, offsets inline in the IFD
    [InlineData(300, 500, EncodeOptions.DefaultCompressionLevel)] // several 64 KiB strips, offset arrays
    [InlineData(300, 500, 9)]
    [InlineData(300, 500, 0)]                                      // uncompressed, no predictor
    public void Grey16_tiff_round_trips_exactly_and_is_one_16_bit_sample(int width, int height, int level)
    {
        ushort[] samples = Samples16(width * height, seed: width + level);
        byte[] file = Encode16(samples, width, height, ImageFormat.Tiff, new EncodeOptions { CompressionLevel = level });

        Dictionary<int, uint> tags = ReadTiffTags(file);
        Assert.Equal((uint)width, tags[256]);
        Assert.Equal((uint)height, tags[257]);
        Assert.Equal(16u, tags[258]);                   // BitsPerSample
        Assert.Equal(1u, tags[277]);                    // SamplesPerPixel
        Assert.Equal(1u, tags[262]);                    // BlackIsZero
        Assert.Equal(level == 0 ? 1u : 8u, tags[259]);  // none / Adobe Deflate
        Assert.Equal(1u, tags[339]);                    // SampleFormat: unsigned integer
        Assert.Equal(samples, DecodeL16(file, out int w, out int h));
        Assert.Equal((width, height), (w, h));
    }

    [Fact]
    public void Grey8_tiff_is_one_8_bit_sample_black_is_zero()
    {
        byte[] file = Encode(Grey(20, 10, Bytes8(200, 4)), ImageFormat.Tiff);

        Dictionary<int, uint> tags = ReadTiffTags(file);
        Assert.Equal(8u, tags[258]);
        Assert.Equal(1u, tags[277]);
        Assert.Equal(1u, tags[262]);
    }

    [Theory]
    [InlineData(ImageFormat.Png)]
    [InlineData(ImageFormat.Tiff)]
    [InlineData(ImageFormat.Bmp)]
    [InlineData(ImageFormat.Webp)]
    public void Rgb_lossless_formats_decode_to_the_same_bytes(ImageFormat format)
    {
        const int width = 19, height = 11;
        byte[] pixels = Bytes8(width * height * 3, seed: 5);
        byte[] file = Encode(Rgb(width, height, pixels), format);

        using Image<Rgb24> decoded = Image.Load<Rgb24>(file);
        var rgb = new Rgb24[width * height];
        decoded.CopyPixelDataTo(rgb);
        Assert.Equal(pixels, rgb.SelectMany(p => new[] { p.R, p.G, p.B }).ToArray());
    }

    [Fact]
    public void Rgb_png_is_colour_type_2_with_bit_depth_8()
    {
        byte[] file = Encode(Rgb(4, 3, Bytes8(36, 6)), ImageFormat.Png);

        PngHeader header = ReadPngHeader(file);
        Assert.Equal(2, header.ColorType);   // truecolour, no alpha
        Assert.Equal(8, header.BitDepth);
    }

    [Fact]
    public void Grey_jpeg_has_one_component_and_stays_close_to_the_input()
    {
        const int width = 67, height = 45;
        byte[] pixels = SmoothGrey(width, height);
        byte[] file = Encode(Grey(width, height, pixels), ImageFormat.Jpeg);

        (int components, int precision, int w, int h) = ReadJpegFrameHeader(file);
        Assert.Equal(1, components);
        Assert.Equal(8, precision);
        Assert.Equal((width, height), (w, h));

        byte[] decoded = DecodeL8(file);
        double meanError = pixels.Zip(decoded, (a, b) => Math.Abs(a - b)).Average();
        int maxError = pixels.Zip(decoded, (a, b) => Math.Abs(a - b)).Max();
        // Quality 90 on a smooth image: errors of a few grey levels at most. Garbage, a shifted or transposed image
        // would be off by tens.
        Assert.True(meanError < 1.5, $"mean error {meanError:F2}");
        Assert.True(maxError <= 8, $"max error {maxError}");
    }

    [Fact]
    public void Colour_jpeg_has_three_components()
    {
        byte[] file = Encode(Rgb(16, 16, Bytes8(16 * 16 * 3, 7)), ImageFormat.Jpeg);

        Assert.Equal(3, ReadJpegFrameHeader(file).Components);
    }

    [Fact]
    public void Jpeg_quality_option_reaches_the_encoder()
    {
        var image = Grey(64, 64, Bytes8(64 * 64, 8));

        byte[] low = Encode(image, ImageFormat.Jpeg, new EncodeOptions { Quality = 10 });
        byte[] high = Encode(image, ImageFormat.Jpeg, new EncodeOptions { Quality = 100 });

        Assert.True(high.Length > 2 * low.Length, $"quality 100: {high.Length} bytes, quality 10: {low.Length} bytes");
    }

    [Fact]
    public void Compression_level_option_reaches_the_png_encoder()
    {
        var image = Grey(128, 128, SmoothGrey(128, 128));

        byte[] stored = Encode(image, ImageFormat.Png, new EncodeOptions { CompressionLevel = 0 });
        byte[] smallest = Encode(image, ImageFormat.Png, new EncodeOptions { CompressionLevel = 9 });

        Assert.True(stored.Length >= 128 * 128, $"level 0 should store, got {stored.Length} bytes");
        Assert.True(smallest.Length < stored.Length / 2, $"level 9: {smallest.Length} bytes, level 0: {stored.Length}");
    }

    [Theory]
    [InlineData(ImageFormat.Jpeg)]
    [InlineData(ImageFormat.Bmp)]
    [InlineData(ImageFormat.Webp)]
    public void Grey16_in_an_8_bit_format_is_refused_naming_png_and_tiff(ImageFormat format)
    {
        var error = Assert.Throws<ArgumentException>(() => Encode16(new ushort[4], 2, 2, format));
        Assert.Contains("PNG or TIFF", error.Message);
    }

    [Fact]
    public void Pixel_buffer_of_the_wrong_size_is_refused()
    {
        Assert.Throws<ArgumentException>(() => Encode(Grey(4, 4, new byte[15]), ImageFormat.Png));
        Assert.Throws<ArgumentException>(() => Encode(Rgb(4, 4, new byte[16]), ImageFormat.Png));
        Assert.Throws<ArgumentException>(() => Encode16(new ushort[15], 4, 4, ImageFormat.Png));
        Assert.Throws<ArgumentException>(() => Encode16(Array.Empty<ushort>(), 0, 0, ImageFormat.Png));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public void Quality_outside_1_to_100_is_refused(int quality)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new EncodeOptions { Quality = quality });
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(10)]
    public void Compression_level_outside_0_to_9_is_refused(int level)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new EncodeOptions { CompressionLevel = level });
    }

    [Fact]
    public void Concurrent_encodes_give_the_same_bytes_as_one_at_a_time()
    {
        var grey = Grey(96, 64, Bytes8(96 * 64, 9));
        ushort[] samples = Samples16(96 * 64, 10);
        var formats = new[] { ImageFormat.Png, ImageFormat.Jpeg, ImageFormat.Tiff, ImageFormat.Bmp };
        var expected = formats.ToDictionary(f => f, f => Encode(grey, f));
        byte[] expected16 = Encode16(samples, 96, 64, ImageFormat.Tiff);

        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 64, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            ImageFormat format = formats[i % formats.Length];
            if (!Encode(grey, format).AsSpan().SequenceEqual(expected[format]))
                failures.Add($"{format} encode {i}");
            if (!Encode16(samples, 96, 64, ImageFormat.Tiff).AsSpan().SequenceEqual(expected16))
                failures.Add($"16-bit TIFF encode {i}");
        });
        Assert.Empty(failures);
    }

    // Second opinion from a different decoder: PIL (libpng, libtiff, libwebp) must read what we wrote as the same samples.
    [SkippableTheory]
    [InlineData(ImageFormat.Png, 16)]
    [InlineData(ImageFormat.Tiff, 16)]
    [InlineData(ImageFormat.Png, 8)]
    [InlineData(ImageFormat.Tiff, 8)]
    [InlineData(ImageFormat.Bmp, 8)]
    [InlineData(ImageFormat.Webp, 8)]
    public void Pil_decodes_our_grey_files_to_the_same_samples(ImageFormat format, int bits)
    {
        const int width = 300, height = 230; // the 16-bit TIFF gets several strips
        ushort[] expected;
        byte[] file;
        if (bits == 16)
        {
            expected = Samples16(width * height, seed: 11);
            file = Encode16(expected, width, height, format);
        }
        else
        {
            byte[] pixels = Bytes8(width * height, seed: 12);
            expected = pixels.Select(b => (ushort)b).ToArray();
            file = Encode(Grey(width, height, pixels), format);
        }

        (string mode, int[] shape, ushort[] samples) = DecodeWithPil(file, ImageFormats.CanonicalExtension(format));

        if (format == ImageFormat.Webp)
        {
            // WebP has no grey mode: three equal channels.
            Assert.Equal(new[] { height, width, 3 }, shape);
            Assert.Equal(expected, samples.Where((_, i) => i % 3 == 0).ToArray());
            Assert.Equal(expected, samples.Where((_, i) => i % 3 == 2).ToArray());
            return;
        }
        Assert.Equal(new[] { height, width }, shape);
        Assert.Contains(mode, bits == 16 ? new[] { "I;16", "I" } : new[] { "L" });
        Assert.Equal(expected, samples);
    }
}
