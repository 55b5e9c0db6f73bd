using DicomTools.Export;

namespace DicomTools;

/// <summary>
/// The image file formats an export can write. Only formats ImageSharp 2.1.13 writes faithfully (plus our own 16-bit
/// TIFF writer) are listed: every one round-trips 8-bit grey exactly except <see cref="Jpeg"/>, which is lossy, and
/// <see cref="Webp"/> in lossy mode.
/// </summary>
public enum ImageFormat
{
    /// <summary>PNG: grey 8/16 bit or RGB, lossless. The default.</summary>
    Png,
    /// <summary>Baseline JPEG: one-component grey or YCbCr 4:4:4 colour, lossy, quality 1-100.</summary>
    Jpeg,
    /// <summary>Windows bitmap: grey as an 8-bit grey palette, colour as 24-bit; uncompressed.</summary>
    Bmp,
    /// <summary>TIFF: grey 8/16 bit or RGB, Deflate-compressed, lossless.</summary>
    Tiff,
    /// <summary>
    /// WebP, lossless by default. WebP has no grey mode, so grey is stored as R=G=B. ImageSharp 2.1's WebP encoder is
    /// slow (about 50 times slower than PNG on a 512x512 slice), so this is for small exports, not whole studies.
    /// </summary>
    Webp,
    /// <summary>GIF: 256 colours at most; grey exactly (a palette of the 256 greys), colour quantised. Mostly for
    /// -Animate, where it is the format every viewer plays.</summary>
    Gif,
}

/// <summary>Maps file extensions to <see cref="ImageFormat"/> and back.</summary>
internal static class ImageFormats
{
    /// <summary>
    /// The format a path's extension names (".png" or ".apng", ".jpg"/".jpeg", ".bmp", ".tif"/".tiff", ".webp", ".gif"; any case), or null
    /// when the extension is missing or names no format we write. A bare extension such as ".png" works too.
    /// </summary>
    public static ImageFormat? FromExtension(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string extension = Path.GetExtension(path);
        return extension.ToLowerInvariant() switch
        {
            ".png" => ImageFormat.Png,
            ".jpg" or ".jpeg" => ImageFormat.Jpeg,
            ".bmp" => ImageFormat.Bmp,
            ".tif" or ".tiff" => ImageFormat.Tiff,
            ".webp" => ImageFormat.Webp,
            ".gif" => ImageFormat.Gif,
            ".apng" => ImageFormat.Png,
            _ => null,
        };
    }

    /// <summary>The extension (with its dot, lower case) we give files of this format when we choose the name.</summary>
    public static string CanonicalExtension(ImageFormat format) => format switch
    {
        ImageFormat.Png => ".png",
        ImageFormat.Jpeg => ".jpg",
        ImageFormat.Bmp => ".bmp",
        ImageFormat.Tiff => ".tif",
        ImageFormat.Webp => ".webp",
        ImageFormat.Gif => ".gif",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown image format."),
    };

    /// <summary>True for the formats that can hold 16-bit grey samples (PNG and TIFF).</summary>
    public static bool Supports16BitGrey(ImageFormat format) => format is ImageFormat.Png or ImageFormat.Tiff;
}
