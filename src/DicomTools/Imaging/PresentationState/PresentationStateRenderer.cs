using DicomTools.Codecs;
using DicomTools.Dicom;
using DicomTools.Pixels;

namespace DicomTools.Imaging.Presentation;

/// <summary>
/// Renders a greyscale frame as a Grayscale Softcopy Presentation State says (PS3.4 N.2): the state's rescale, its
/// Softcopy VOI window, its Presentation LUT Shape (which replaces the image's own MONOCHROME1 / INVERSE inversion),
/// the overlays it activates, the display shutters in the Shutter Presentation Value, the Displayed Area Selection
/// (the area shown, cropped or padded black), then Image Rotation and Image Horizontal Flip.
/// </summary>
internal static class PresentationStateRenderer
{
    public static DicomDisplayImage Render(DicomPixelData frame, GrayscalePresentationState state, DisplaySettings settings,
        Action<string>? warn = null)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(settings);
        string where = $"{System.IO.Path.GetFileName(frame.Path)} frame {frame.Frame}";
        string ps = System.IO.Path.GetFileName(state.Path);
        if (frame.IsColor)
            throw new PresentationStateException($"{where} is a colour image; a grayscale presentation state applies to greyscale images", DicomErrorKind.InvalidArgument);
        int frameNumber = frame.Frame + 1;
        if (!state.References(frame.SOPInstanceUID, frameNumber))
            throw new PresentationStateException(
                $"{where} (SOP Instance UID {frame.SOPInstanceUID ?? "missing"}) is not referenced by the presentation state {ps}", DicomErrorKind.InvalidArgument);
        if (state.HasTextAnnotations)
            warn?.Invoke($"{ps}: text annotations are not drawn yet");
        var graphics = state.Graphics.Where(g => g.Images.Length == 0 || g.Images.Any(i => i.Matches(frame.SOPInstanceUID, frameNumber))).ToArray();

        var source = Copy(frame, state, settings.NoOverlays);
        var voi = state.VoiFor(frame.SOPInstanceUID, frameNumber);
        // The state's Presentation LUT Shape replaces the image's own inversion; -Invert still flips the result.
        bool fileInverts = DisplayRenderer.ShouldInvert(source, DisplaySettings.Default);
        bool wanted = (state.PresentationLutShape == "INVERSE") != settings.Invert;
        var chosen = voi is null
            ? settings with { Invert = fileInverts != wanted, NoOverlays = false }
            : new DisplaySettings
            {
                Center = voi.Center,
                Width = voi.Width,
                Function = voi.Function,
                Invert = fileInverts != wanted,
                IgnorePadding = settings.IgnorePadding,
            };
        var image = DisplayRenderer.Render(source, chosen, warn);
        var pixels = image.Pixels;
        if (state.Shutters is { Any: true } shutters)
        {
            // A P-value of 16 bits (0..65535) on the 8-bit display scale.
            byte level = (byte)Math.Floor(shutters.PresentationValue * 255.0 / 65535 + 0.5);
            for (int r = 0; r < frame.Rows; r++)
                for (int c = 0; c < frame.Columns; c++)
                    if (shutters.Covers(r + 1, c + 1)) pixels[r * frame.Columns + c] = level;
        }
        // PIXEL-unit graphics belong to the image (they move with the displayed area and the rotation).
        GraphicAnnotations.Draw(graphics.Where(g => !g.DisplayUnits), pixels, frame.Columns, frame.Rows);
        int width = frame.Columns, height = frame.Rows;
        if (state.AreaFor(frame.SOPInstanceUID, frameNumber) is { } area
            && !(area.Left == 1 && area.Top == 1 && area.Right == width && area.Bottom == height))
        {
            (pixels, width, height) = Crop(pixels, width, height, area);
        }
        (pixels, width, height) = Transform(pixels, width, height, state.Rotation, state.HorizontalFlip);
        // DISPLAY-unit graphics are fractions of the displayed area as shown.
        GraphicAnnotations.Draw(graphics.Where(g => g.DisplayUnits), pixels, width, height);
        return new DicomDisplayImage
        {
            Path = image.Path,
            Frame = image.Frame,
            NumberOfFrames = image.NumberOfFrames,
            Width = width,
            Height = height,
            IsColor = false,
            Pixels = pixels,
            WindowCenter = image.WindowCenter,
            WindowWidth = image.WindowWidth,
            VoiFunction = image.VoiFunction,
            VoiSource = voi is null ? image.VoiSource : $"presentation state {ps}" + (string.IsNullOrEmpty(voi.Explanation) ? "" : $" ({voi.Explanation})"),
            Inverted = image.Inverted,
            Padding = image.Padding,
            Overlays = image.Overlays,
            PresentationState = state.Path,
            Source = frame,
            Settings = settings,
        };
    }

    /// <summary>The frame with the state's rescale and with the overlays it activates (60xx,1001): the state's own
    /// plane of that group when it has one, else the image's.</summary>
    private static DicomPixelData Copy(DicomPixelData f, GrayscalePresentationState state, bool noOverlays)
    {
        var overlays = new List<OverlayBitmap>();
        if (!noOverlays)
        {
            var geometry = new FrameGeometry(f.Rows, f.Columns, 1, f.BitsAllocated, f.BitsStored, f.IsSigned, f.PhotometricInterpretation, 0);
            var own = OverlayPlane.ReadAll(state.Dataset, geometry, f.BitsStored - 1, nativePixelData: false);
            for (ushort group = 0x6000; group <= 0x601E; group += 2)
            {
                if (state.Dataset[new DicomTag(group, 0x1001)] is null) continue;
                var bitmap = own.FirstOrDefault(p => p.Group == group)?.ForFrame(f.Frame) ?? f.Overlays.FirstOrDefault(o => o.Group == group);
                if (bitmap is not null) overlays.Add(bitmap);
            }
        }
        return new DicomPixelData
        {
            Path = f.Path, Frame = f.Frame, NumberOfFrames = f.NumberOfFrames, Rows = f.Rows, Columns = f.Columns,
            SamplesPerPixel = f.SamplesPerPixel, PhotometricInterpretation = f.PhotometricInterpretation,
            BitsAllocated = f.BitsAllocated, BitsStored = f.BitsStored, IsSigned = f.IsSigned, Pixels = f.Pixels,
            Header = f.Header, TransferSyntaxUID = f.TransferSyntaxUID, SOPInstanceUID = f.SOPInstanceUID, Modality = f.Modality,
            RescaleSlope = state.RescaleSlope ?? f.RescaleSlope,
            RescaleIntercept = state.RescaleSlope is null ? f.RescaleIntercept : state.RescaleIntercept,
            RescaleType = f.RescaleType,
            ModalityLut = state.RescaleSlope is null ? f.ModalityLut : null,
            WindowCenter = f.WindowCenter, WindowWidth = f.WindowWidth, WindowCenterWidthExplanation = f.WindowCenterWidthExplanation,
            VoiLuts = f.VoiLuts, VOILUTFunction = f.VOILUTFunction, Padding = f.Padding, Overlays = overlays,
            PresentationLUTShape = f.PresentationLUTShape,
        };
    }

    /// <summary>The displayed area (1-based, inclusive), black where it reaches beyond the image.</summary>
    private static (byte[], int, int) Crop(byte[] pixels, int width, int height, DisplayedArea area)
    {
        long w = (long)area.Right - area.Left + 1, h = (long)area.Bottom - area.Top + 1;
        if (w * h > 1L << 26) throw new PresentationStateException($"the displayed area {w}x{h} is larger than 64 million pixels");
        var result = new byte[w * h];
        for (int y = 0; y < h; y++)
        {
            long sy = area.Top - 1L + y;
            if (sy < 0 || sy >= height) continue;
            for (int x = 0; x < w; x++)
            {
                long sx = area.Left - 1L + x;
                if (sx >= 0 && sx < width) result[y * w + x] = pixels[sy * width + sx];
            }
        }
        return (result, (int)w, (int)h);
    }

    /// <summary>Clockwise rotation by <paramref name="degrees"/>, then a horizontal flip (C.10.6.1: the flip follows
    /// the rotation).</summary>
    internal static (byte[], int, int) Transform(byte[] pixels, int width, int height, int degrees, bool flip)
    {
        if (degrees == 0 && !flip) return (pixels, width, height);
        bool swap = degrees is 90 or 270;
        int w = swap ? height : width, h = swap ? width : height;
        var result = new byte[pixels.Length];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int ox = flip ? w - 1 - x : x;
                // Source pixel of output (ox, y) under a clockwise rotation.
                (int sx, int sy) = degrees switch
                {
                    90 => (y, height - 1 - ox),
                    180 => (width - 1 - ox, height - 1 - y),
                    270 => (width - 1 - y, ox),
                    _ => (ox, y),
                };
                result[y * w + x] = pixels[sy * width + sx];
            }
        return (result, w, h);
    }
}
