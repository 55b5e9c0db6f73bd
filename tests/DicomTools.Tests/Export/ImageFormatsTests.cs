using DicomTools.Export;
using Xunit;

namespace DicomTools.Tests.Export;

public sealed class ImageFormatsTests
{
    [Theory]
    [InlineData("out/a.png", ImageFormat.Png)]
    [InlineData("OUT.PNG", ImageFormat.Png)]
    [InlineData("x.jpg", ImageFormat.Jpeg)]
    [InlineData("x.JPEG", ImageFormat.Jpeg)]
    [InlineData("x.bmp", ImageFormat.Bmp)]
    [InlineData("x.tif", ImageFormat.Tiff)]
    [InlineData("x.Tiff", ImageFormat.Tiff)]
    [InlineData("x.webp", ImageFormat.Webp)]
    [InlineData("x.GIF", ImageFormat.Gif)]
    [InlineData("cine.apng", ImageFormat.Png)]
    [InlineData(".png", ImageFormat.Png)]
    [InlineData("dir.v2/series_{Frame}.tif", ImageFormat.Tiff)]
    public void Known_extensions_map_to_their_format(string path, ImageFormat expected)
    {
        Assert.Equal(expected, ImageFormats.FromExtension(path));
    }

    [Theory]
    [InlineData("x.jp2")]
    [InlineData("x.png.gz")]
    [InlineData("noextension")]
    [InlineData("x.")]
    [InlineData("")]
    [InlineData("png")]
    public void Unknown_or_missing_extensions_give_null(string path)
    {
        Assert.Null(ImageFormats.FromExtension(path));
    }

    [Fact]
    public void Every_format_has_a_canonical_extension_that_maps_back_to_it()
    {
        foreach (ImageFormat format in Enum.GetValues<ImageFormat>())
        {
            string extension = ImageFormats.CanonicalExtension(format);
            Assert.StartsWith(".", extension);
            Assert.Equal(format, ImageFormats.FromExtension("a" + extension));
        }
    }

    [Fact]
    public void Only_png_and_tiff_hold_16_bit_grey()
    {
        Assert.Equal(new[] { ImageFormat.Png, ImageFormat.Tiff },
            Enum.GetValues<ImageFormat>().Where(ImageFormats.Supports16BitGrey));
    }
}
