using DicomTools.Pixels;
using DicomTools.Imaging;

namespace DicomTools;

/// <summary>
/// An 8-bit display image (what ConvertTo-WindowedImage writes): grey (one byte a pixel) or RGB (three, interleaved),
/// and a record of what was applied to get it. <see cref="Source"/> and <see cref="Settings"/> let an exporter
/// re-render the same choices at 16 bits.
/// </summary>
public sealed class DicomDisplayImage
{
    public required string Path { get; init; }
    public required int Frame { get; init; }
    public required int NumberOfFrames { get; init; }
    public required int Width { get; init; }
    public required int Height { get; init; }
    public required bool IsColor { get; init; }
    /// <summary>Width x Height bytes (grey) or Width x Height x 3 (RGB), row-major.</summary>
    public required byte[] Pixels
    {
        get => _gate is null ? _pixels! : Expose();
        init => _pixels = value;
    }

    /// <summary>Window applied (in modality units), when the VOI stage was a window; null for a VOI LUT or colour.
    /// For min-max and percentile, the equivalent LINEAR window: center (low + high + 1) / 2, width high - low + 1.</summary>
    public double? WindowCenter { get; init; }
    public double? WindowWidth { get; init; }
    /// <summary>LINEAR, LINEAR_EXACT or SIGMOID when a window was applied.</summary>
    public string? VoiFunction { get; init; }
    /// <summary>Where the VOI came from: "file window 1 (WINDOW1)" (1-based, with the file's explanation when it has
    /// one), "window 40/400", "preset Lung", "min-max", "percentile 1-99", "VOI LUT 1 (explanation)"; null for colour.
    /// A window the standard calls invalid is replaced by min-max (and reported as such).</summary>
    public string? VoiSource { get; init; }
    /// <summary>True when the output was inverted (MONOCHROME1 or INVERSE, flipped by -Invert).</summary>
    public bool Inverted { get; init; }
    /// <summary>The stored-value padding range shown black and left out of min-max / percentile windows; null when
    /// the file has none or -IgnorePadding was given.</summary>
    public PixelPadding? Padding { get; init; }
    /// <summary>The overlay planes burned into <see cref="Pixels"/> (group, type, description); empty when the file
    /// has none or -NoOverlays was given.</summary>
    public IReadOnlyList<OverlayBitmap> Overlays { get; init; } = Array.Empty<OverlayBitmap>();
    /// <summary>Path of the Grayscale Softcopy Presentation State applied (its window, shutters, displayed area and
    /// rotation are in <see cref="Pixels"/>); null when none was.</summary>
    public string? PresentationState { get; init; }

    /// <summary>The decoded frame the image was rendered from. An image rendered straight from a file does not keep
    /// its decoded samples (a series would hold them all twice over): the frame is decoded again from the file the
    /// first time this is read.</summary>
    public DicomPixelData? Source
    {
        get => _source ?? _sourceLoader?.Value;
        init => _source = value;
    }

    public DisplaySettings? Settings { get; init; }

    private readonly DicomPixelData? _source;
    private readonly Lazy<DicomPixelData>? _sourceLoader;
    private readonly DicomInfo? _sourceHeader;

    /// <summary>Decodes <see cref="Source"/> on first use instead of holding it (see <see cref="Source"/>); made by
    /// <see cref="DecodeOnDemand"/>, shared by images made from this one (scaled...).</summary>
    internal Lazy<DicomPixelData>? SourceLoader
    {
        get => _sourceLoader;
        init => _sourceLoader = value;
    }

    /// <summary>The header of the source file, without decoding anything (output names are filled from it).</summary>
    internal DicomInfo? SourceHeader
    {
        get => _source?.Header ?? _sourceHeader;
        init => _sourceHeader = value;
    }

    /// <summary>A loader for <see cref="SourceLoader"/>. A failed decode is tried again on the next read rather than
    /// remembered; two threads racing may both decode, and one result is kept.</summary>
    internal static Lazy<DicomPixelData> DecodeOnDemand(Func<DicomPixelData> decode) =>
        new(decode, LazyThreadSafetyMode.PublicationOnly);

    // Pixel storage. Most images simply hold their array. An image rendered into a pooled array (PixelsReusable) may
    // lend it to a writer, which, once the file is written and when nobody but this image has ever seen the array,
    // hands the image a packed copy of the same pixels and the array back to the pool: a series passed from
    // ConvertTo-WindowedImage to Export-DicomImage then reuses a few frame-sized arrays instead of leaving one on the
    // large-object heap per slice. Reading Pixels from outside unpacks them if needed and ends all reuse.
    private byte[]? _pixels;
    private PackedPixels? _packed;
    private object? _gate; // set only for reusable images: guards the fields below and _pixels
    private bool _reusable;
    private int _leases;

    /// <summary>The array given as <see cref="Pixels"/> came from <see cref="SampleBufferPool"/> and nobody else holds
    /// it: writers may return it once packed (see <see cref="EndLease"/>). Set by the renderer that rented it.</summary>
    internal bool PixelsReusable
    {
        get
        {
            if (_gate is null) return false;
            lock (_gate) return _reusable;
        }
        init
        {
            _reusable = value;
            _gate = value ? new object() : null;
        }
    }

    /// <summary>True while the pixels are held only in packed form (their array is back in the pool).</summary>
    internal bool PixelsPacked
    {
        get
        {
            if (_gate is null) return false;
            lock (_gate) return _pixels is null;
        }
    }

    /// <summary>The pixels for a writer that reads them and does not keep or hand on the array; end with
    /// <see cref="EndLease"/>. Unlike <see cref="Pixels"/> this keeps the array reusable.</summary>
    internal byte[] LeasePixels()
    {
        if (_gate is null) return _pixels!;
        lock (_gate)
        {
            _leases++;
            return _pixels ??= Unpack();
        }
    }

    /// <summary>
    /// Ends a <see cref="LeasePixels"/>. When no other lease is open and the array is still reusable, the image keeps
    /// <paramref name="packed"/> (which must hold exactly its pixels), or the packed form it already had, and the array
    /// goes back to the pool. <paramref name="packed"/> null with no packed form yet: the array stays.
    /// </summary>
    internal void EndLease(PackedPixels? packed)
    {
        if (_gate is null) return;
        byte[]? recycled = null;
        lock (_gate)
        {
            _leases--;
            if (_reusable) _packed ??= packed;
            if (_leases == 0 && _reusable && _pixels is not null && _packed is not null)
            {
                recycled = _pixels;
                _pixels = null;
            }
        }
        if (recycled is not null) SampleBufferPool.Return(recycled);
    }

    private byte[] Expose()
    {
        lock (_gate!)
        {
            // From now on someone outside may hold the array: it is never returned to the pool, and the packed form
            // is not needed again.
            _reusable = false;
            _pixels ??= Unpack();
            _packed = null;
            return _pixels;
        }
    }

    private byte[] Unpack()
    {
        var pixels = SampleBufferPool.Rent<byte>(checked(Width * Height * (IsColor ? 3 : 1)));
        _packed!.Unpack(pixels);
        return pixels;
    }

    public override string ToString() =>
        DicomTools.TextEscaper.Escape($"{System.IO.Path.GetFileName(Path)} frame {Frame}: {Width}x{Height} {(IsColor ? "RGB" : "grey")} {VoiSource}");
}
