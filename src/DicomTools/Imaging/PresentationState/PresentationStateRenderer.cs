using DicomTools.Codecs;
using DicomTools.Dicom;
using DicomTools.Pixels;

namespace DicomTools.Imaging.Presentation;

/// <summary>
/// Renders a greyscale frame as a Grayscale Softcopy Presentation State says (PS3.4 N.2): the state's Modality LUT
/// or rescale, its Softcopy VOI window or VOI LUT, its Presentation LUT or Shape (which replaces the image's own
/// MONOCHROME1 / INVERSE inversion), the overlays it activates, the display shutters (geometric and bitmap) in the
/// Shutter Presentation Value, the Displayed Area Selection (the area shown at its presentation size, black where it
/// reaches beyond the image), then Image Rotation and Image Horizontal Flip.
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

        var source = Copy(frame, state, settings.NoOverlays, state.VoiFor(frame.SOPInstanceUID, frameNumber));
        var voi = state.VoiFor(frame.SOPInstanceUID, frameNumber);
        // The state's Presentation LUT Shape replaces the image's own inversion; -Invert still flips the result.
        bool fileInverts = DisplayRenderer.ShouldInvert(source, DisplaySettings.Default);
        bool wanted = (state.PresentationLutShape == "INVERSE") != settings.Invert;
        var chosen = voi switch
        {
            null => settings with { Invert = fileInverts != wanted, NoOverlays = true },
            // The state's VOI LUT is the copy's only one (Copy): chosen by index, so the image's rule for its
            // first mapped value's sign applies.
            { Lut: not null } => new DisplaySettings { VoiLutIndex = 0, Invert = fileInverts != wanted, IgnorePadding = settings.IgnorePadding, NoOverlays = true },
            _ => new DisplaySettings
            {
                Center = voi.Center,
                Width = voi.Width,
                Function = voi.Function,
                Invert = fileInverts != wanted,
                IgnorePadding = settings.IgnorePadding,
                NoOverlays = true,
            },
        };
        var image = DisplayRenderer.Render(source, chosen, warn);
        var pixels = image.Pixels;
        if (state.Shutters is { } shutters && (shutters.Any || shutters.BitmapGroup is not null))
        {
            // A P-value of 16 bits (0..65535) on the 8-bit display scale.
            byte level = (byte)Math.Floor(shutters.PresentationValue * 255.0 / 65535 + 0.5);
            var bitmap = shutters.BitmapGroup is { } group ? StateOverlay(state, frame, group) : null;
            for (int r = 0; r < frame.Rows; r++)
                for (int c = 0; c < frame.Columns; c++)
                    if ((shutters.Any && shutters.Covers(r + 1, c + 1)) || (bitmap is not null && IsSet(bitmap, r, c)))
                        pixels[r * frame.Columns + c] = level;
        }
        // PS3.4 N.2.3: the shutter comes first, then the annotations in image space (the overlays the state activates
        // and PIXEL graphics), so overlays show over a shutter. The overlays were kept out of the render for this.
        var drawn = OverlayBurner.Burn(source.Overlays, pixels.AsSpan(), frame.Columns, frame.Rows, stackalloc byte[] { byte.MaxValue });
        int width = frame.Columns, height = frame.Rows;
        // PIXEL-unit graphics belong to the image: drawn after the displayed area is sampled, through the same
        // mapping, so a magnified area keeps its lines one output pixel wide and its sub-pixel positions.
        var map = PixelMap.Identity;
        if (state.AreaFor(frame.SOPInstanceUID, frameNumber) is { } area
            && !(area.Left == 1 && area.Top == 1 && area.Right == width && area.Bottom == height && area.Magnification == 1 && area.AspectRatio == 1))
        {
            (pixels, width, height) = DisplayedAreaSampler.Sample(pixels, width, height, area);
            map = new PixelMap(area.Left - 1, area.Top - 1, width / ((double)area.Right - area.Left + 1), height / ((double)area.Bottom - area.Top + 1));
        }
        GraphicAnnotations.Draw(graphics.Where(g => !g.DisplayUnits), pixels, width, height, map);
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
            Overlays = drawn,
            PresentationState = state.Path,
            Source = frame,
            Settings = settings,
        };
    }

    /// <summary>The state's own overlay plane of <paramref name="group"/> for the frame: a one-frame plane applies to
    /// every frame the state references.</summary>
    private static OverlayBitmap? StateOverlay(GrayscalePresentationState state, DicomPixelData f, ushort group)
    {
        var geometry = new FrameGeometry(f.Rows, f.Columns, 1, f.BitsAllocated, f.BitsStored, f.IsSigned, f.PhotometricInterpretation, 0);
        var plane = OverlayPlane.ReadAll(state.Dataset, geometry, f.BitsStored - 1, nativePixelData: false).FirstOrDefault(p => p.Group == group);
        return plane is null ? null : plane.NumberOfFrames == 1 ? plane.ForFrame(plane.ImageFrameOrigin - 1) : plane.ForFrame(f.Frame);
    }

    /// <summary>Whether the overlay bit over image pixel (row, column), 0-based, is set (outside the plane: no).</summary>
    private static bool IsSet(OverlayBitmap o, int row, int column)
    {
        long r = row - (o.OriginRow - 1L), c = column - (o.OriginColumn - 1L);
        return r >= 0 && c >= 0 && r < o.Rows && c < o.Columns && o.Bits[r * o.Columns + c] != 0;
    }

    /// <summary>The frame with the state's Modality LUT or rescale, its VOI (a VOI LUT becomes the copy's only one),
    /// its Presentation LUT, and the overlays it activates (60xx,1001): the state's own plane of that group when it
    /// has one, else the image's. A bitmap shutter's plane is a shutter, never drawn as an overlay.</summary>
    private static DicomPixelData Copy(DicomPixelData f, GrayscalePresentationState state, bool noOverlays, SoftcopyVoi? voi)
    {
        var overlays = new List<OverlayBitmap>();
        if (!noOverlays)
        {
            var geometry = new FrameGeometry(f.Rows, f.Columns, 1, f.BitsAllocated, f.BitsStored, f.IsSigned, f.PhotometricInterpretation, 0);
            var own = OverlayPlane.ReadAll(state.Dataset, geometry, f.BitsStored - 1, nativePixelData: false);
            for (ushort group = 0x6000; group <= 0x601E; group += 2)
            {
                if (state.Dataset[new DicomTag(group, 0x1001)] is null || group == state.Shutters?.BitmapGroup) continue;
                var bitmap = own.FirstOrDefault(p => p.Group == group)?.ForFrame(f.Frame) ?? f.Overlays.FirstOrDefault(o => o.Group == group);
                if (bitmap is not null) overlays.Add(bitmap);
            }
        }
        bool stateModality = state.ModalityLut is not null || state.RescaleSlope is not null;
        return new DicomPixelData
        {
            Path = f.Path, Frame = f.Frame, NumberOfFrames = f.NumberOfFrames, Rows = f.Rows, Columns = f.Columns,
            SamplesPerPixel = f.SamplesPerPixel, PhotometricInterpretation = f.PhotometricInterpretation,
            BitsAllocated = f.BitsAllocated, BitsStored = f.BitsStored, IsSigned = f.IsSigned, Pixels = f.Pixels,
            Header = f.Header, TransferSyntaxUID = f.TransferSyntaxUID, SOPInstanceUID = f.SOPInstanceUID, Modality = f.Modality,
            RescaleSlope = stateModality ? state.RescaleSlope : f.RescaleSlope,
            RescaleIntercept = stateModality ? state.RescaleIntercept : f.RescaleIntercept,
            RescaleType = f.RescaleType,
            ModalityLut = stateModality ? state.ModalityLut : f.ModalityLut,
            WindowCenter = voi?.Lut is null ? f.WindowCenter : Array.Empty<double>(),
            WindowWidth = voi?.Lut is null ? f.WindowWidth : Array.Empty<double>(),
            WindowCenterWidthExplanation = f.WindowCenterWidthExplanation,
            VoiLuts = voi?.Lut is { } lut ? new[] { lut } : f.VoiLuts, VOILUTFunction = f.VOILUTFunction, Padding = f.Padding, Overlays = overlays,
            PresentationLUTShape = f.PresentationLUTShape,
            PresentationLut = state.PresentationLut,
        };
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
