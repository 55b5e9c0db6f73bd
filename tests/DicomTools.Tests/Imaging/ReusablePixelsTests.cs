using DicomTools.Export;
using DicomTools.Imaging;
using DicomTools.Pixels;
using Xunit;

namespace DicomTools.Tests.Imaging;

/// <summary>
/// A display image rendered into a pooled array lends it to a writer, which may give it back to the pool once the
/// image holds its pixels packed. What must never change is what anyone outside sees: the pixels read from the
/// image, and an array someone already holds. Sizes are odd on purpose, so no other test running at the same time
/// asks the shared pool for the same length.
/// </summary>
public sealed class ReusablePixelsTests
{
    [Fact]
    public void A_written_image_gives_its_array_back_and_still_shows_the_same_pixels()
    {
        var (image, expected) = Reusable(131, 509, seed: 1);
        var array = image.LeasePixels();

        image.EndLease(Pack(array, 131, 509));

        Assert.True(image.PixelsPacked, "the array went back to the pool");
        Assert.Same(array, SampleBufferPool.Rent<byte>(131 * 509));
        Assert.Equal(expected, image.Pixels);
    }

    [Fact]
    public void An_array_read_through_Pixels_is_never_given_back()
    {
        var (image, expected) = Reusable(133, 509, seed: 2);
        var held = image.Pixels;

        var lent = image.LeasePixels();
        image.EndLease(Pack(lent, 133, 509));

        Assert.False(image.PixelsPacked);
        Assert.Same(held, image.Pixels);
        Assert.NotSame(held, SampleBufferPool.Rent<byte>(133 * 509));
        Assert.Equal(expected, held);
    }

    [Fact]
    public void Pixels_read_after_packing_stay_with_the_reader_through_later_writes()
    {
        var (image, expected) = Reusable(135, 509, seed: 3);
        image.EndLease(Pack(image.LeasePixels(), 135, 509));

        var unpacked = image.Pixels;
        image.EndLease(Pack(image.LeasePixels(), 135, 509));

        Assert.False(image.PixelsPacked, "once read, the pixels are never packed away again");
        Assert.Same(unpacked, image.Pixels);
        Assert.Equal(expected, unpacked);
    }

    [Fact]
    public void The_array_goes_back_only_when_the_last_of_two_writers_is_done()
    {
        var (image, expected) = Reusable(137, 509, seed: 4);
        var first = image.LeasePixels();
        var second = image.LeasePixels();
        Assert.Same(first, second);

        image.EndLease(Pack(first, 137, 509));
        Assert.False(image.PixelsPacked, "the second writer still reads the array");
        Assert.Equal(expected, second);

        image.EndLease(null);
        Assert.True(image.PixelsPacked, "the packed form the first writer left is used");
        Assert.Equal(expected, image.Pixels);
    }

    [Fact]
    public void An_image_made_from_a_callers_array_never_gives_it_away()
    {
        var pixels = Noise(139 * 509, seed: 5);
        var image = new DicomDisplayImage { Path = "caller", Frame = 0, NumberOfFrames = 1, Width = 139, Height = 509, IsColor = false, Pixels = pixels };

        image.EndLease(Pack(image.LeasePixels(), 139, 509));

        Assert.False(image.PixelsPacked);
        Assert.Same(pixels, image.Pixels);
    }

    [Fact]
    public void A_writer_that_leaves_no_packed_form_leaves_the_array_in_place()
    {
        var (image, expected) = Reusable(141, 509, seed: 6);
        var array = image.LeasePixels();

        image.EndLease(null);

        Assert.False(image.PixelsPacked);
        Assert.Equal(expected, image.Pixels);
        Assert.Same(array, image.Pixels);
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(1, 17, 5)]
    [InlineData(1, 512, 3)]
    [InlineData(3, 37, 23)]
    [InlineData(3, 129, 4)]
    public void Packed_PNG_rows_unpack_to_the_pixels_they_were_written_from(int channels, int width, int height)
    {
        var pixels = Noise(width * height * channels, seed: width + channels);
        for (var i = 0; i < pixels.Length; i += 3) pixels[i] = (byte)(pixels[i] & 0xF0); // equal neighbours: predictor ties

        var packed = PngWriter.Write8(pixels, width, height, channels, Stream.Null, compressionLevel: 5, pack: true)!;
        var back = new byte[pixels.Length];
        packed.Unpack(back);

        Assert.Equal(pixels, back);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Each_PNG_filter_is_undone_as_the_standard_defines_it(byte filter)
    {
        // ISO/IEC 15948 9.2: Filt(x) = Orig(x) - predictor(a, b, c), bytes modulo 256, a/b/c zero outside the image.
        const int Bpp = 3, Length = 12;
        var above = Noise(Length, seed: 7);
        var row = Noise(Length, seed: 8);
        var filtered = new byte[Length];
        for (var i = 0; i < Length; i++)
        {
            int a = i >= Bpp ? row[i - Bpp] : 0, b = above[i], c = i >= Bpp ? above[i - Bpp] : 0;
            int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
            var predictor = filter switch
            {
                0 => 0,
                1 => a,
                2 => b,
                3 => (a + b) / 2,
                _ => pa <= pb && pa <= pc ? a : pb <= pc ? b : c,
            };
            filtered[i] = (byte)(row[i] - predictor);
        }

        var restored = new byte[Length];
        PackedPngRows.Unfilter(filter, filtered, above, Bpp, restored);

        Assert.Equal(row, restored);
    }

    private static (DicomDisplayImage Image, byte[] Expected) Reusable(int width, int height, int seed)
    {
        var expected = Noise(width * height, seed);
        var array = SampleBufferPool.Rent<byte>(width * height);
        expected.CopyTo(array, 0);
        var image = new DicomDisplayImage
        {
            Path = "pooled", Frame = 0, NumberOfFrames = 1, Width = width, Height = height, IsColor = false,
            Pixels = array, PixelsReusable = true,
        };
        return (image, expected);
    }

    private static PackedPngRows Pack(byte[] pixels, int width, int height) =>
        PngWriter.Write8(pixels, width, height, 1, Stream.Null, compressionLevel: 5, pack: true)!;

    private static byte[] Noise(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
