using System.Buffers.Binary;
using DicomTools.Export;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Xunit;

namespace DicomTools.Tests.Export;

/// <summary>
/// The PNG writer deflates into a pooled, growable buffer and hands zlib blocks of rows: a picture larger than one
/// block and whose data outgrows the first buffer and the 1 MiB chunk limit must still come back pixel for pixel.
/// </summary>
public sealed class PooledEncodingTests
{
    [Fact]
    public void The_pooled_stream_keeps_every_byte_across_growth_and_refuses_use_after_dispose()
    {
        var expected = Enumerable.Range(0, 100_000).Select(i => (byte)(i * 7)).ToArray();
        var stream = new PooledByteStream(16);
        for (var at = 0; at < expected.Length; at += 999)
            stream.Write(expected.AsSpan(at, Math.Min(999, expected.Length - at)));

        Assert.Equal(expected.Length, stream.Length);
        Assert.Equal(expected, stream.WrittenSpan.ToArray());

        stream.Dispose();
        Assert.Throws<ObjectDisposedException>(() => stream.WrittenSpan.Length);
    }

    [Fact]
    public void A_noisy_picture_over_a_mebibyte_of_data_comes_back_pixel_for_pixel()
    {
        // Random grey levels barely compress: about 1.1 MB of zlib data, so two IDAT chunks and many zlib blocks.
        const int Width = 1100, Height = 1000;
        var random = new Random(14);
        var pixels = new byte[Width * Height];
        random.NextBytes(pixels);
        var image = new DicomTools.DicomDisplayImage { Path = "noise", Frame = 0, NumberOfFrames = 1, Width = Width, Height = Height, IsColor = false, Pixels = pixels };

        using var file = new MemoryStream();
        DisplayImageEncoder.Encode(image, file, ImageFormat.Png);
        var bytes = file.ToArray();

        using var decoded = Image.Load<L8>(bytes);
        var back = new L8[Width * Height];
        decoded.CopyPixelDataTo(back);
        Assert.Equal(pixels, back.Select(p => p.PackedValue).ToArray());
        Assert.True(CountChunks(bytes, "IDAT") >= 2, "data over 1 MiB is split into IDAT chunks of at most 1 MiB");
    }

    [Theory]
    [InlineData(1, 17, 5)]
    [InlineData(1, 301, 7)]
    [InlineData(3, 37, 23)]
    [InlineData(3, 129, 4)]
    public void Random_pictures_of_any_width_survive_the_vectorised_Paeth_filter(int channels, int width, int height)
    {
        // Widths around the 16-byte block and random bytes: every tie and every branch of the predictor is met.
        var random = new Random(width * 31 + channels);
        var pixels = new byte[width * height * channels];
        random.NextBytes(pixels);
        for (var i = 0; i < pixels.Length; i += 5) pixels[i] = (byte)(pixels[i] & 0xF0); // some equal neighbours
        var image = new DicomTools.DicomDisplayImage { Path = "random", Frame = 0, NumberOfFrames = 1, Width = width, Height = height, IsColor = channels == 3, Pixels = pixels };

        using var file = new MemoryStream();
        DisplayImageEncoder.Encode(image, file, ImageFormat.Png);

        byte[] back;
        if (channels == 1)
        {
            using var decoded = Image.Load<L8>(file.ToArray());
            var grey = new L8[width * height];
            decoded.CopyPixelDataTo(grey);
            back = grey.Select(p => p.PackedValue).ToArray();
        }
        else
        {
            using var decoded = Image.Load<Rgb24>(file.ToArray());
            var rgb = new Rgb24[width * height];
            decoded.CopyPixelDataTo(rgb);
            back = rgb.SelectMany(p => new[] { p.R, p.G, p.B }).ToArray();
        }
        Assert.Equal(pixels, back);
    }

    private static int CountChunks(byte[] png, string type)
    {
        var count = 0;
        for (var at = 8; at + 8 <= png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            if (System.Text.Encoding.ASCII.GetString(png, at + 4, 4) == type) count++;
            at += 12 + length;
        }
        return count;
    }
}
