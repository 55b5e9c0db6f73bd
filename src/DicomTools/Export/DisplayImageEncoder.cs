using DicomTools.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Compression.Zlib;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Tiff.Constants;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;

namespace DicomTools.Export;

/// <summary>
/// Writes display images to PNG (our <see cref="PngWriter"/>, for speed), JPEG, BMP, TIFF or WebP (ImageSharp).
/// Grey stays grey all the way to the file (ImageSharp
/// <see cref="L8"/>/<see cref="L16"/> images, PNG colour type 0, one-component JPEG, BlackIsZero TIFF): going through
/// RGBA would triple the work and the file size for nothing. Stateless and thread-safe: encoder objects are made per
/// call (they are small; the pixel work dominates) and never shared while mutable.
/// </summary>
internal static class DisplayImageEncoder
{
    /// <summary>Encodes an 8-bit grey or RGB display image to <paramref name="output"/> (which is not closed).</summary>
    /// <exception cref="ArgumentException">The image's pixel buffer does not match its size and colour.</exception>
    public static void Encode(DicomDisplayImage image, Stream output, ImageFormat format, EncodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        Encode(image.Pixels, image.Width, image.Height, image.IsColor, output, format, options, pack: false, image.ToString());
    }

    /// <summary>
    /// Encodes 8-bit grey or RGB pixels (a display image's, lent apart from it). With <paramref name="pack"/> and PNG,
    /// returns the image data just written as the packed form of the same pixels (<see cref="PackedPngRows"/>);
    /// otherwise null.
    /// </summary>
    /// <param name="name">Names the image in errors.</param>
    internal static PackedPixels? Encode(byte[] pixels, int width, int height, bool isColor, Stream output, ImageFormat format,
        EncodeOptions? options, bool pack, string name)
    {
        ArgumentNullException.ThrowIfNull(output);
        options ??= EncodeOptions.Default;
        int samplesPerPixel = isColor ? 3 : 1;
        long expected = CheckedPixelCount(width, height) * samplesPerPixel;
        if (pixels is null || pixels.LongLength != expected)
            throw new ArgumentException(
                $"Display image {name} has {pixels?.LongLength ?? 0} pixel bytes; {width}x{height} "
                + $"{(isColor ? "RGB" : "grey")} needs {expected}.", nameof(pixels));

        if (format == ImageFormat.Png)
            return PngWriter.Write8(pixels, width, height, samplesPerPixel, output, options.CompressionLevel, pack);
        if (format == ImageFormat.Gif)
        {
            // One frame through the animation writer: the same palettes and the same exact greys.
            var gif = new AnimatedGifWriter(output, width, height, samplesPerPixel, loops: 0, animated: false);
            gif.AddFrame(pixels, 0);
            gif.Finish();
            return null;
        }
        if (isColor)
        {
            using Image<Rgb24> rgb = Image.LoadPixelData<Rgb24>(pixels, width, height);
            rgb.Save(output, CreateEncoder(format, isColor: true, options));
        }
        else
        {
            using Image<L8> grey = Image.LoadPixelData<L8>(pixels, width, height);
            grey.Save(output, CreateEncoder(format, isColor: false, options));
        }
        return null;
    }

    /// <summary>
    /// Encodes 16-bit grey samples (row-major, <paramref name="width"/> x <paramref name="height"/>) as a 16-bit grey
    /// PNG or TIFF. Other formats hold only 8 bits a channel and are refused.
    /// </summary>
    /// <exception cref="ArgumentException">Wrong sample count, or a format other than PNG and TIFF.</exception>
    public static void EncodeGrey16(ReadOnlySpan<ushort> pixels, int width, int height, Stream output, ImageFormat format,
        EncodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        options ??= EncodeOptions.Default;
        if (!ImageFormats.Supports16BitGrey(format))
            throw new ArgumentException(
                $"16-bit grey output needs PNG or TIFF; {format} holds at most 8 bits a channel.", nameof(format));
        long expected = CheckedPixelCount(width, height);
        if (pixels.Length != expected)
            throw new ArgumentException(
                $"{pixels.Length} samples given for a {width}x{height} image, which needs {expected}.", nameof(pixels));

        if (format == ImageFormat.Tiff)
        {
            // ImageSharp 2.1.13's TiffEncoder silently writes L16 images as 24-bit RGB (its own documentation says
            // 16-bit channels are not supported yet), so 16-bit TIFF has a writer of its own.
            Grey16TiffWriter.Write(pixels, width, height, output, options.CompressionLevel);
            return;
        }

        PngWriter.WriteGrey16(pixels, width, height, output, options.CompressionLevel);
    }

    private static IImageEncoder CreateEncoder(ImageFormat format, bool isColor, EncodeOptions options) => format switch
    {
        ImageFormat.Jpeg => new JpegEncoder
        {
            Quality = options.Quality,
            // 4:4:4 rather than the usual 4:2:0: colour in medical images is mostly thin overlays, annotations and
            // Doppler maps, which chroma subsampling smears.
            ColorType = isColor ? JpegColorType.YCbCrRatio444 : JpegColorType.Luminance,
        },
        ImageFormat.Bmp => new BmpEncoder
        {
            // An L8 image at 8 bits per pixel is written with a 256-entry grey palette, so index = grey value.
            BitsPerPixel = isColor ? BmpBitsPerPixel.Pixel24 : BmpBitsPerPixel.Pixel8,
            SupportTransparency = false,
        },
        ImageFormat.Tiff => new TiffEncoder
        {
            BitsPerPixel = isColor ? TiffBitsPerPixel.Bit24 : TiffBitsPerPixel.Bit8,
            PhotometricInterpretation = isColor ? TiffPhotometricInterpretation.Rgb : TiffPhotometricInterpretation.BlackIsZero,
            Compression = TiffCompression.Deflate,
            CompressionLevel = ToDeflateLevel(options.CompressionLevel),
            HorizontalPredictor = TiffPredictor.Horizontal,
        },
        ImageFormat.Webp => new WebpEncoder
        {
            FileFormat = options.WebpLossless ? WebpFileFormatType.Lossless : WebpFileFormatType.Lossy,
            Quality = options.Quality,
        },
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown image format."),
    };

    private static long CheckedPixelCount(int width, int height)
    {
        if (width <= 0 || height <= 0)
            throw new ArgumentException($"Image size {width}x{height} is not positive.");
        return (long)width * height;
    }

    // The ImageSharp enums number levels 0-9 in order (Level0 = 0 ... Level9 = 9); mapped by name, not by cast, so a
    // renumbering upstream cannot change what we write.

    private static DeflateCompressionLevel ToDeflateLevel(int level) => level switch
    {
        0 => DeflateCompressionLevel.Level0,
        1 => DeflateCompressionLevel.Level1,
        2 => DeflateCompressionLevel.Level2,
        3 => DeflateCompressionLevel.Level3,
        4 => DeflateCompressionLevel.Level4,
        5 => DeflateCompressionLevel.Level5,
        6 => DeflateCompressionLevel.Level6,
        7 => DeflateCompressionLevel.Level7,
        8 => DeflateCompressionLevel.Level8,
        _ => DeflateCompressionLevel.Level9,
    };
}
