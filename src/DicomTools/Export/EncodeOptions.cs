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
    /// Deflate level (PNG and TIFF) when none is given: the fastest level whose files stay within 10% of Pillow's
    /// (zlib level 6 with adaptive filters). Measured on .NET 10's zlib-ng with 8-bit Paeth rows, against Pillow's
    /// size: a 512x512 CT slice +2% (level 1: +46%), a 440x440 CR +7% (level 1: +74%), the bench phantom -2% (level
    /// 4: +12%); level 5 costs 1.6-6.8 ms a frame against 4.8-11 ms for level 6. See docs/performance.md.
    /// </summary>
    public const int DefaultCompressionLevel = 5;

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
    /// Deflate level for PNG and TIFF, 0 (store) to 9 (smallest, slowest). Default 5, see
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
