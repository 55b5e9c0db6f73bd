namespace DicomTools.Export;

/// <summary>
/// Format-specific choices for <see cref="DisplayImageEncoder"/>. Immutable: one instance can be shared by every
/// worker thread of an export. Out-of-range values are refused when set, so a cmdlet fails at parameter binding
/// rather than on the first file.
/// </summary>
internal sealed record EncodeOptions
{
    /// <summary>JPEG quality when none is given: visually lossless for display images, about 1/5 of PNG's size.</summary>
    public const int DefaultJpegQuality = 90;

    /// <summary>
    /// Deflate level (PNG and TIFF) when none is given. Measured with ImageSharp 2.1.13 on a real 512x512 CT slice (windowed
    /// 40/400, single thread, shared machine): level 1 took 4.1 ms (L8) / 12 ms (L16); level 6 took 5.9 ms / 49 ms
    /// for files only 4-5 % smaller. Levels 2-4 were no faster than 1. Export speed matters more than a few per cent
    /// of disk, so the default is 1; a user who archives can ask for 6-9.
    /// </summary>
    public const int DefaultCompressionLevel = 1;

    /// <summary>The options used when a caller passes none.</summary>
    public static EncodeOptions Default { get; } = new();

    private readonly int _quality = DefaultJpegQuality;
    private readonly int _compressionLevel = DefaultCompressionLevel;

    /// <summary>JPEG quality 1-100 (also lossy WebP's quality). Default 90.</summary>
    public int Quality
    {
        get => _quality;
        init
        {
            if (value is < 1 or > 100)
                throw new ArgumentOutOfRangeException(nameof(Quality), value, "Quality must be between 1 and 100.");
            _quality = value;
        }
    }

    /// <summary>
    /// Deflate level for PNG and TIFF, 0 (store) to 9 (smallest, slowest). Default 1, see
    /// <see cref="DefaultCompressionLevel"/>.
    /// </summary>
    public int CompressionLevel
    {
        get => _compressionLevel;
        init
        {
            if (value is < 0 or > 9)
                throw new ArgumentOutOfRangeException(nameof(CompressionLevel), value, "Compression level must be between 0 and 9.");
            _compressionLevel = value;
        }
    }

    /// <summary>WebP lossless (default, exact pixels) or lossy at <see cref="Quality"/>.</summary>
    public bool WebpLossless { get; init; } = true;
}
