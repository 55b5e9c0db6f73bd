using DicomTools.Pixels;

namespace DicomTools.Imaging;

/// <summary>
/// The display pipeline (PS3.3 C.11): stored values -> Modality LUT or rescale -> VOI (window, VOI LUT, min-max or
/// percentile) -> presentation (MONOCHROME1 / INVERSE inversion), composed in double precision and rounded once.
/// Colour frames become RGB without VOI. Thread-safe: no state besides the shared, locked table cache.
/// </summary>
/// <remarks>
/// Exceptions: <see cref="ArgumentException"/> for a frame whose arrays do not match its header, contradictory
/// settings or a colour frame asked for 16-bit grey; <see cref="ArgumentOutOfRangeException"/> for a window or VOI
/// LUT index the file does not have, or percentiles outside 0..100. Recoverable oddities (an invalid window, an
/// unknown VOI LUT Function, windowing asked for colour) go to <c>warn</c> and rendering goes on.
/// </remarks>
internal static class DisplayRenderer
{
    /// <summary>8-bit display image: grey (one byte a pixel) or RGB (three, interleaved).</summary>
    /// <param name="warn">Receives what was overridden or ignored, e.g. "window width 0 is invalid for LINEAR;
    /// using min-max".</param>
    /// <param name="sourceLoader">When given, the image links to its source through it instead of holding
    /// <paramref name="frame"/> (whose samples the caller may then reuse).</param>
    /// <param name="pooledPixels">Take the grey pixel array from <see cref="SampleBufferPool"/> and mark the image
    /// <see cref="DicomDisplayImage.PixelsReusable"/>: a writer may then return the array once it has written it
    /// (see <see cref="DicomDisplayImage.EndLease"/>).</param>
    public static DicomDisplayImage Render(DicomPixelData frame, DisplaySettings settings, Action<string>? warn = null,
        Lazy<DicomPixelData>? sourceLoader = null, bool pooledPixels = false)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(settings);
        int sampleCount = FrameChecks.SampleCount(frame);
        if (frame.IsColor)
        {
            if (AsksForVoi(settings))
                warn?.Invoke($"windowing does not apply to colour images ({frame.PhotometricInterpretation}); ignored");
            if (settings.Invert)
                warn?.Invoke($"inversion applies to greyscale images, not {frame.PhotometricInterpretation}; ignored");
            var rgb = ColorRenderer.Render(frame, sampleCount, warn);
            var c = settings.OverlayColor;
            var drawnOnColour = settings.NoOverlays ? Array.Empty<OverlayBitmap>()
                : OverlayBurner.Burn(frame.Overlays, rgb.AsSpan(), frame.Columns, frame.Rows, stackalloc byte[] { c.R, c.G, c.B });
            return new DicomDisplayImage
            {
                Path = frame.Path,
                Frame = frame.Frame,
                NumberOfFrames = frame.NumberOfFrames,
                Width = frame.Columns,
                Height = frame.Rows,
                IsColor = true,
                Pixels = rgb,
                Overlays = drawnOnColour,
                Source = sourceLoader is null ? frame : null,
                SourceLoader = sourceLoader,
                SourceHeader = frame.Header,
                Settings = settings,
            };
        }

        var (pipeline, voi) = Plan(frame, settings, byte.MaxValue, sampleCount, warn);
        // Apply writes every pixel, so neither a pooled array's old contents nor an uninitialised one's ever show
        // (and a frame-sized array is not cleared only to be overwritten).
        var grey = pooledPixels ? SampleBufferPool.Rent<byte>(sampleCount) : GC.AllocateUninitializedArray<byte>(sampleCount);
        Apply(frame, sampleCount, pipeline, grey.AsSpan());
        var drawn = settings.NoOverlays ? Array.Empty<OverlayBitmap>()
            : OverlayBurner.Burn(frame.Overlays, grey.AsSpan(), frame.Columns, frame.Rows, stackalloc byte[] { byte.MaxValue });
        return new DicomDisplayImage
        {
            Path = frame.Path,
            Frame = frame.Frame,
            NumberOfFrames = frame.NumberOfFrames,
            Width = frame.Columns,
            Height = frame.Rows,
            IsColor = false,
            Pixels = grey,
            PixelsReusable = pooledPixels,
            WindowCenter = voi.Center,
            WindowWidth = voi.Width,
            VoiFunction = voi.Function,
            VoiSource = voi.Source,
            Inverted = pipeline.Invert,
            Padding = pipeline.Padding,
            Overlays = drawn,
            Source = sourceLoader is null ? frame : null,
            SourceLoader = sourceLoader,
            SourceHeader = frame.Header,
            Settings = settings,
        };
    }

    /// <summary>The same choices as <see cref="Render"/> at 16 bits (0..65535, like DCMTK's +on2 PNG export),
    /// rounded once from the full-precision value. Greyscale only.</summary>
    public static ushort[] RenderGrey16(DicomPixelData frame, DisplaySettings settings, Action<string>? warn = null)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(settings);
        int sampleCount = FrameChecks.SampleCount(frame);
        if (frame.IsColor)
            throw new ArgumentException(
                $"{FrameChecks.Where(frame)} is a colour image ({frame.PhotometricInterpretation}); 16-bit rendering is greyscale only",
                nameof(frame));
        var (pipeline, _) = Plan(frame, settings, ushort.MaxValue, sampleCount, warn);
        var grey = GC.AllocateUninitializedArray<ushort>(sampleCount); // Apply writes every sample
        Apply(frame, sampleCount, pipeline, grey.AsSpan());
        if (!settings.NoOverlays)
            OverlayBurner.Burn(frame.Overlays, grey.AsSpan(), frame.Columns, frame.Rows, stackalloc ushort[] { ushort.MaxValue });
        return grey;
    }

    /// <summary>Inversion the file asks for: MONOCHROME1, or Presentation LUT Shape INVERSE (both together still
    /// invert once, as the reference renderings do); <see cref="DisplaySettings.Invert"/> flips the decision.</summary>
    internal static bool ShouldInvert(DicomPixelData frame, DisplaySettings settings)
    {
        bool fileInverts = frame.PhotometricInterpretation?.Trim() == "MONOCHROME1"
            || frame.PresentationLUTShape?.Trim().Equals("INVERSE", StringComparison.OrdinalIgnoreCase) == true;
        return fileInverts != settings.Invert;
    }

    internal static (GreyPipeline Pipeline, VoiChoice Voi) Plan(DicomPixelData frame, DisplaySettings settings, int outputMax,
        int sampleCount, Action<string>? warn)
    {
        var modality = ModalityStage.For(frame, warn);
        var voi = VoiSelector.Select(frame, settings, modality, sampleCount, warn);
        return (new GreyPipeline(modality, voi.Stage, ShouldInvert(frame, settings), outputMax, PaddingShown(frame, settings), frame.PresentationLut), voi);
    }

    /// <summary>The padding range rendering leaves out of the window (null when none or -IgnorePadding).</summary>
    internal static PixelPadding? PaddingShown(DicomPixelData frame, DisplaySettings settings) =>
        settings.IgnorePadding || frame.IsColor ? null : frame.Padding;

    private static void Apply<TOut>(DicomPixelData frame, int count, GreyPipeline pipeline, Span<TOut> destination)
        where TOut : unmanaged
    {
        Array pixels = frame.Pixels;
        if (StoredDomain.For(pixels, frame.BitsStored) is { } domain)
        {
            // 8/16-bit: one cached table over the stored domain composes every stage.
            var table = (TOut[])GreyLutCache.GetOrBuild(pipeline, domain);
            GreyKernels.MapThroughTable(pixels, count, domain, table, destination);
            return;
        }
        switch (SampleKinds.Of(pixels))
        {
            case SampleKind.Int32 or SampleKind.UInt32:
            {
                // 32-bit: a table over the frame's own range when that is no larger than the frame, else per pixel.
                var (lo, hi) = ModalityValues.StoredMinMax(pixels, count);
                var table = RangeTableFits((long)lo, (long)hi, count) ? RangeTable<TOut>(pipeline, (long)lo, (long)hi) : null;
                if (pixels is int[] signed)
                {
                    if (table is null) GreyKernels.Evaluate(signed.AsSpan(0, count), pipeline, destination);
                    else GreyKernels.MapThroughRangeTable(signed.AsSpan(0, count), (long)lo, table, destination);
                }
                else
                {
                    var unsigned = ((uint[])pixels).AsSpan(0, count);
                    if (table is null) GreyKernels.Evaluate(unsigned, pipeline, destination);
                    else GreyKernels.MapThroughRangeTable(unsigned, (long)lo, table, destination);
                }
                break;
            }
            case SampleKind.Float32:
                GreyKernels.Evaluate(((float[])pixels).AsSpan(0, count), pipeline, destination);
                break;
            case SampleKind.Float64:
                GreyKernels.Evaluate(((double[])pixels).AsSpan(0, count), pipeline, destination);
                break;
            default:
                throw new ArgumentException($"pixel samples of type {pixels.GetType().Name} are not supported", nameof(frame));
        }
    }

    // Frame-specific (its own min..max), so built without the cache.
    private static TOut[] RangeTable<TOut>(GreyPipeline pipeline, long lo, long hi) =>
        (TOut[])GreyLutCache.Build(pipeline, lo, (int)(hi - lo + 1));

    /// <summary>A table over a 32-bit frame's actual range pays off when it has no more entries than the frame has
    /// samples (each entry costs what one per-pixel evaluation costs); capped at 1M entries.</summary>
    private static bool RangeTableFits(long lo, long hi, int count) => hi - lo + 1 <= Math.Min(count, 1 << 20);

    private static bool AsksForVoi(DisplaySettings s) =>
        s.Center.HasValue || s.Width.HasValue || s.WindowIndex.HasValue || s.VoiLutIndex.HasValue
        || s.AutoWindow != AutoWindowMode.None || s.Function.HasValue;
}
