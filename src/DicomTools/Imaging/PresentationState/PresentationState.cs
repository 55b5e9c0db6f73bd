using System.Globalization;
using DicomTools.Dicom;
using DicomTools.Pixels;

namespace DicomTools.Imaging.Presentation;

/// <summary>A presentation state that cannot be read, or does not apply to an image (PresentationStateError).</summary>
internal sealed class PresentationStateException : DicomToolsException
{
    public PresentationStateException(string message, DicomErrorKind kind = DicomErrorKind.InvalidData)
        : base("PresentationStateError", kind, message)
    {
    }
}

/// <summary>An image a presentation state references: its SOP Instance UID and, when listed, its frames (1-based).</summary>
internal sealed record ReferencedImage(string SopInstanceUid, int[] Frames)
{
    public bool Matches(string? sopInstanceUid, int frame) =>
        string.Equals(SopInstanceUid, sopInstanceUid?.Trim(), StringComparison.Ordinal) && (Frames.Length == 0 || Frames.Contains(frame));

    public static ReferencedImage[] ListIn(DicomDataset item) =>
        item.GetSequence(GrayscalePresentationState.Tags.ReferencedImageSequence)
            .Select(i => (Uid: i.GetString(GrayscalePresentationState.Tags.ReferencedSOPInstanceUID)?.Trim(), Frames: Ints(i, GrayscalePresentationState.Tags.ReferencedFrameNumber)))
            .Where(r => !string.IsNullOrEmpty(r.Uid))
            .Select(r => new ReferencedImage(r.Uid!, r.Frames))
            .ToArray();

    internal static int[] Ints(DicomDataset ds, DicomTag tag) =>
        ds.GetStrings(tag).Select(s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : (int?)null)
            .OfType<int>().ToArray() is { Length: > 0 } parsed ? parsed
            : ds.GetDoubles(tag)?.Select(d => (int)d).ToArray() ?? Array.Empty<int>();
}

/// <summary>A Softcopy VOI LUT Sequence item: the images it is for (none listed: all) and its window, or, when it has
/// no window, its VOI LUT (the first VOI LUT Sequence item).</summary>
internal sealed record SoftcopyVoi(ReferencedImage[] Images, double Center, double Width, VoiLutFunction Function, string? Explanation,
    DicomLut? Lut = null);

/// <summary>A Displayed Area Selection item (PS3.3 C.10.4): the images it is for, the area (1-based column\row
/// corners, inclusive), the Presentation Size Mode with its Magnification Ratio, and the displayed pixels' vertical
/// to horizontal size (from Presentation Pixel Spacing, row\column, else Presentation Pixel Aspect Ratio).</summary>
internal sealed record DisplayedArea(ReferencedImage[] Images, int Left, int Top, int Right, int Bottom, string SizeMode,
    double Magnification = 1, double AspectRatio = 1);

/// <summary>The display shutters of a presentation state (PS3.3 C.7.6.11): pixels outside any of them are shuttered.</summary>
internal sealed record Shutters(
    (int Left, int Right, int Top, int Bottom)? Rectangle,
    (double Row, double Column, double Radius)? Circle,
    (double Row, double Column)[]? Polygon,
    ushort PresentationValue,
    ushort? BitmapGroup = null)
{
    /// <summary>True when a geometric shutter is set (a bitmap shutter, <see cref="BitmapGroup"/>, is an overlay plane
    /// of the state that the renderer reads for the frame's size).</summary>
    public bool Any => Rectangle is not null || Circle is not null || Polygon is not null;

    /// <summary>True when the pixel at 1-based (row, column) is covered by a shutter.</summary>
    public bool Covers(int row, int column)
    {
        if (Rectangle is { } r && (column < r.Left || column > r.Right || row < r.Top || row > r.Bottom)) return true;
        if (Circle is { } c && (row - c.Row) * (row - c.Row) + (column - c.Column) * (column - c.Column) > c.Radius * c.Radius) return true;
        if (Polygon is { } p && !Inside(p, row, column)) return true;
        return false;
    }

    /// <summary>Even-odd rule on the pixel's centre (vertices are row\column pairs in pixel units).</summary>
    private static bool Inside((double Row, double Column)[] p, double row, double column)
    {
        bool inside = false;
        for (int i = 0, j = p.Length - 1; i < p.Length; j = i++)
        {
            if ((p[i].Row > row) != (p[j].Row > row)
                && column < (p[j].Column - p[i].Column) * (row - p[i].Row) / (p[j].Row - p[i].Row) + p[i].Column)
                inside = !inside;
        }
        return inside;
    }
}

/// <summary>
/// A Grayscale Softcopy Presentation State (PS3.3 A.33.1) read for display: the images it references, its Modality
/// LUT (rescale), Softcopy VOI windows, Presentation LUT Shape, shutters, Displayed Area Selection and spatial
/// transformation, with LUT data where the state carries it (Modality LUT, VOI LUT and Presentation LUT Sequences,
/// read by <see cref="DicomTools.Pixels.LutReader"/> as an image's are). What is not drawn (text annotations) is reported.
/// </summary>
internal sealed class GrayscalePresentationState
{
    public const string SopClassUid = "1.2.840.10008.5.1.4.1.1.11.1";

    public required string Path { get; init; }
    public required DicomDataset Dataset { get; init; }
    public required ReferencedImage[] Images { get; init; }
    public double? RescaleSlope { get; init; }
    public double? RescaleIntercept { get; init; }
    /// <summary>The state's Modality LUT Sequence item (wins over its rescale, as in an image).</summary>
    public DicomLut? ModalityLut { get; init; }
    /// <summary>The state's Presentation LUT Sequence item: replaces the shape.</summary>
    public DicomLut? PresentationLut { get; init; }
    public SoftcopyVoi[] Vois { get; init; } = Array.Empty<SoftcopyVoi>();
    /// <summary>IDENTITY or INVERSE.</summary>
    public string PresentationLutShape { get; init; } = "IDENTITY";
    public Shutters? Shutters { get; init; }
    public DisplayedArea[] DisplayedAreas { get; init; } = Array.Empty<DisplayedArea>();
    /// <summary>0, 90, 180 or 270 degrees clockwise.</summary>
    public int Rotation { get; init; }
    public bool HorizontalFlip { get; init; }
    /// <summary>Graphic objects of the Graphic Annotation Sequence (outlines are drawn; text is not yet).</summary>
    public GraphicObject[] Graphics { get; init; } = Array.Empty<GraphicObject>();
    /// <summary>True when the state has text annotations (not drawn yet).</summary>
    public bool HasTextAnnotations { get; init; }

    public static GrayscalePresentationState Read(DicomFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var ds = file.Dataset;
        string name = System.IO.Path.GetFileName(file.Path);
        string? sopClass = ds.GetString(DicomTags.SOPClassUID)?.Trim();
        if (sopClass != SopClassUid)
            throw new PresentationStateException($"{name} is not a Grayscale Softcopy Presentation State (SOP Class {sopClass ?? "missing"})");
        var images = ds.GetSequence(Tags.ReferencedSeriesSequence).SelectMany(ReferencedImage.ListIn).ToArray();
        if (images.Length == 0)
            throw new PresentationStateException($"{name} references no image (Referenced Series Sequence is empty)");

        DicomLut? presentationLut = null;
        if (FirstItem(ds.GetSequence(Tags.PresentationLUTSequence)) is { } presentationItem)
        {
            // C.11.6.1: the first mapped value is 0 and the input is the VOI output, never signed.
            presentationLut = LutReader.FromItem(presentationItem, signedInput: false)
                ?? throw new PresentationStateException($"{name}: its Presentation LUT Sequence item has no usable LUT Descriptor and LUT Data");
            if (presentationLut.FirstMappedValue != 0)
                throw new PresentationStateException($"{name}: its Presentation LUT starts at {presentationLut.FirstMappedValue}; PS3.3 C.11.6.1 requires 0");
        }
        string shape = ds.GetString(Tags.PresentationLUTShape)?.Trim().ToUpperInvariant() is { Length: > 0 } s ? s : "IDENTITY";
        if (presentationLut is not null) shape = "IDENTITY";
        if (shape is not ("IDENTITY" or "INVERSE"))
            throw new PresentationStateException($"{name}: Presentation LUT Shape {shape} is not supported (IDENTITY and INVERSE are)", DicomErrorKind.NotSupported);

        var vois = new List<SoftcopyVoi>();
        foreach (var item in ds.GetSequence(Tags.SoftcopyVOILUTSequence))
        {
            var refs = ReferencedImage.ListIn(item);
            var centers = item.GetDoubles(DicomTags.WindowCenter);
            var widths = item.GetDoubles(DicomTags.WindowWidth);
            // An item with both a window and a VOI LUT uses the window, as VoiSelector's default does for an image.
            if (centers is not { Length: > 0 } || widths is not { Length: > 0 })
            {
                if (FirstItem(item.GetSequence(Tags.VOILUTSequence)) is not { } lutItem) continue;
                // Signedness of the first mapped value is settled when rendering, from the modality values (VoiSelector).
                var lut = LutReader.FromItem(lutItem, signedInput: false)
                    ?? throw new PresentationStateException($"{name}: a Softcopy VOI LUT Sequence item has no usable LUT Descriptor and LUT Data");
                vois.Add(new SoftcopyVoi(refs, 0, 0, VoiLutFunction.Linear, lut.Explanation, lut));
                continue;
            }
            var function = VoiLutFunctionNames.TryParse(item.GetString(DicomTags.VOILUTFunction)?.Trim().ToUpperInvariant(), out var f) ? f : VoiLutFunction.Linear;
            vois.Add(new SoftcopyVoi(refs, centers[0], widths[0], function, item.GetStrings(DicomTags.WindowCenterWidthExplanation).FirstOrDefault()));
        }

        var areas = ds.GetSequence(Tags.DisplayedAreaSelectionSequence).Select(item =>
        {
            var tl = ReferencedImage.Ints(item, Tags.DisplayedAreaTopLeftHandCorner);
            var br = ReferencedImage.Ints(item, Tags.DisplayedAreaBottomRightHandCorner);
            if (tl.Length < 2 || br.Length < 2) return null;
            string mode = item.GetString(Tags.PresentationSizeMode)?.Trim().ToUpperInvariant() is { Length: > 0 } m ? m : "SCALE TO FIT";
            if (mode is not ("SCALE TO FIT" or "TRUE SIZE" or "MAGNIFY"))
                throw new PresentationStateException($"{name}: Presentation Size Mode '{mode}' is not SCALE TO FIT, TRUE SIZE or MAGNIFY");
            double magnification = 1;
            if (mode == "MAGNIFY")
            {
                magnification = item.GetDouble(Tags.PresentationPixelMagnificationRatio) ?? double.NaN;
                if (!(magnification > 0 && magnification <= MaxMagnification))
                    throw new PresentationStateException($"{name}: MAGNIFY needs a Presentation Pixel Magnification Ratio above 0 and at most {MaxMagnification}");
            }
            // column\row corners in the image before rotation; the corner that ends top left may be any of them.
            return new DisplayedArea(ReferencedImage.ListIn(item), Math.Min(tl[0], br[0]), Math.Min(tl[1], br[1]),
                Math.Max(tl[0], br[0]), Math.Max(tl[1], br[1]), mode, magnification, AspectRatio(item, name));
        }).OfType<DisplayedArea>().ToArray();

        int rotation = ds.GetInt(Tags.ImageRotation) ?? 0;
        if (rotation is not (0 or 90 or 180 or 270))
            throw new PresentationStateException($"{name}: Image Rotation {rotation} is not 0, 90, 180 or 270");

        double? slope = ds.GetDouble(DicomTags.RescaleSlope), intercept = ds.GetDouble(DicomTags.RescaleIntercept);
        DicomLut? modalityLut = null;
        if (FirstItem(ds.GetSequence(DicomTags.ModalityLUTSequence)) is { } modalityItem)
            modalityLut = LutReader.FromItem(modalityItem, signedInput: false)
                ?? throw new PresentationStateException($"{name}: its Modality LUT Sequence item has no usable LUT Descriptor and LUT Data");

        return new GrayscalePresentationState
        {
            Path = file.Path,
            Dataset = ds,
            Images = images,
            RescaleSlope = slope is not null && intercept is not null ? slope : null,
            RescaleIntercept = slope is not null && intercept is not null ? intercept : null,
            ModalityLut = modalityLut,
            PresentationLut = presentationLut,
            Vois = vois.ToArray(),
            PresentationLutShape = shape,
            Shutters = ReadShutters(ds, name),
            DisplayedAreas = areas,
            Rotation = rotation,
            HorizontalFlip = ds.GetString(Tags.ImageHorizontalFlip)?.Trim().ToUpperInvariant() == "Y",
            Graphics = GraphicAnnotations.Read(ds),
            HasTextAnnotations = ds.GetSequence(Tags.GraphicAnnotationSequence).Any(item => item.GetSequence(Tags.TextObjectSequence).Count > 0),
        };
    }

    private static Shutters? ReadShutters(DicomDataset ds, string name)
    {
        var shapes = ds.GetStrings(Tags.ShutterShape).Select(s => s.Trim().ToUpperInvariant()).ToHashSet();
        if (shapes.Count == 0) return null;
        ushort? bitmapGroup = null;
        if (shapes.Contains("BITMAP"))
        {
            // C.7.6.15: Shutter Overlay Group names an overlay plane of the state (60xx); its set bits are shuttered.
            int? group = ds.GetInt(Tags.ShutterOverlayGroup);
            if (group is not { } g || g < 0x6000 || g > 0x601E || g % 2 != 0)
                throw new PresentationStateException($"{name}: a BITMAP shutter needs a Shutter Overlay Group 6000-601E (even); it has {(group is null ? "none" : $"{group:X4}")}");
            if (ds[new DicomTag((ushort)g, 0x3000)] is null)
                throw new PresentationStateException($"{name}: the BITMAP shutter's overlay group {g:X4} has no Overlay Data in the presentation state");
            bitmapGroup = (ushort)g;
        }
        (int, int, int, int)? rectangle = null;
        if (shapes.Contains("RECTANGULAR"))
        {
            int? l = ds.GetInt(Tags.ShutterLeftVerticalEdge), r = ds.GetInt(Tags.ShutterRightVerticalEdge);
            int? t = ds.GetInt(Tags.ShutterUpperHorizontalEdge), b = ds.GetInt(Tags.ShutterLowerHorizontalEdge);
            if (l is null || r is null || t is null || b is null)
                throw new PresentationStateException($"{name}: a RECTANGULAR shutter needs its four edges");
            rectangle = (l.Value, r.Value, t.Value, b.Value);
        }
        (double, double, double)? circle = null;
        if (shapes.Contains("CIRCULAR"))
        {
            var centre = ds.GetDoubles(Tags.CenterOfCircularShutter);
            var radius = ds.GetDouble(Tags.RadiusOfCircularShutter);
            if (centre is not { Length: >= 2 } || radius is null)
                throw new PresentationStateException($"{name}: a CIRCULAR shutter needs its centre and radius");
            circle = (centre[0], centre[1], radius.Value);
        }
        (double, double)[]? polygon = null;
        if (shapes.Contains("POLYGONAL"))
        {
            var v = ds.GetDoubles(Tags.VerticesOfThePolygonalShutter);
            if (v is not { Length: >= 6 } || v.Length % 2 != 0)
                throw new PresentationStateException($"{name}: a POLYGONAL shutter needs at least three row\\column vertices");
            polygon = Enumerable.Range(0, v.Length / 2).Select(i => (v[2 * i], v[2 * i + 1])).ToArray();
        }
        return new Shutters(rectangle, circle, polygon, ShutterValue(ds), bitmapGroup);
    }

    /// <summary>The Shutter Presentation Value (a P-value); a state that gives only Shutter Presentation Color CIELab
    /// Value uses its L* (0..65535 for 0..100), the lightness a grey display shows; neither is black.</summary>
    private static ushort ShutterValue(DicomDataset ds)
    {
        if (ds.GetInt(Tags.ShutterPresentationValue) is { } value) return (ushort)Math.Clamp(value, 0, 65535);
        return ds.GetDoubles(Tags.ShutterPresentationColorCIELabValue) is { Length: 3 } lab ? (ushort)Math.Clamp(lab[0], 0, 65535) : (ushort)0;
    }

    private static DicomDataset? FirstItem(IReadOnlyList<DicomDataset> items) => items.Count > 0 ? items[0] : null;

    /// <summary>Most output pixels per image pixel along one axis (MAGNIFY or non-square pixels); more is a
    /// damaged or hostile state.</summary>
    internal const double MaxMagnification = 64;

    /// <summary>Vertical over horizontal size of a displayed pixel: Presentation Pixel Spacing (row spacing\column
    /// spacing) when present, else Presentation Pixel Aspect Ratio (vertical\horizontal), else square.</summary>
    private static double AspectRatio(DicomDataset item, string name)
    {
        double ratio = 1;
        if (item.GetDoubles(Tags.PresentationPixelSpacing) is { Length: 2 } spacing) ratio = spacing[0] / spacing[1];
        else if (item.GetDoubles(Tags.PresentationPixelAspectRatio) is { Length: 2 } aspect) ratio = aspect[0] / aspect[1];
        if (!(ratio >= 1 / MaxMagnification && ratio <= MaxMagnification))
            throw new PresentationStateException($"{name}: a displayed pixel aspect ratio of {ratio} is outside 1/{MaxMagnification}..{MaxMagnification}");
        return ratio;
    }

    /// <summary>True when the state references frame <paramref name="frame"/> (1-based) of the image.</summary>
    public bool References(string? sopInstanceUid, int frame) => Images.Any(i => i.Matches(sopInstanceUid, frame));

    /// <summary>The VOI for the image: the item that references it, else the item that references none.</summary>
    public SoftcopyVoi? VoiFor(string? sopInstanceUid, int frame) =>
        Vois.FirstOrDefault(v => v.Images.Any(i => i.Matches(sopInstanceUid, frame))) ?? Vois.FirstOrDefault(v => v.Images.Length == 0);

    public DisplayedArea? AreaFor(string? sopInstanceUid, int frame) =>
        DisplayedAreas.FirstOrDefault(a => a.Images.Any(i => i.Matches(sopInstanceUid, frame))) ?? DisplayedAreas.FirstOrDefault(a => a.Images.Length == 0);

    /// <summary>Tags of the presentation state modules (a table here: the dictionary has them, code refers to these).</summary>
    internal static class Tags
    {
        public static readonly DicomTag ReferencedSeriesSequence = new(0x0008, 0x1115);
        public static readonly DicomTag ReferencedImageSequence = new(0x0008, 0x1140);
        public static readonly DicomTag ReferencedSOPInstanceUID = new(0x0008, 0x1155);
        public static readonly DicomTag ReferencedFrameNumber = new(0x0008, 0x1160);
        public static readonly DicomTag ShutterShape = new(0x0018, 0x1600);
        public static readonly DicomTag ShutterLeftVerticalEdge = new(0x0018, 0x1602);
        public static readonly DicomTag ShutterRightVerticalEdge = new(0x0018, 0x1604);
        public static readonly DicomTag ShutterUpperHorizontalEdge = new(0x0018, 0x1606);
        public static readonly DicomTag ShutterLowerHorizontalEdge = new(0x0018, 0x1608);
        public static readonly DicomTag CenterOfCircularShutter = new(0x0018, 0x1610);
        public static readonly DicomTag RadiusOfCircularShutter = new(0x0018, 0x1612);
        public static readonly DicomTag VerticesOfThePolygonalShutter = new(0x0018, 0x1620);
        public static readonly DicomTag ShutterPresentationValue = new(0x0018, 0x1622);
        public static readonly DicomTag ShutterOverlayGroup = new(0x0018, 0x1623);
        public static readonly DicomTag ShutterPresentationColorCIELabValue = new(0x0018, 0x1624);
        public static readonly DicomTag SoftcopyVOILUTSequence = new(0x0028, 0x3110);
        public static readonly DicomTag VOILUTSequence = new(0x0028, 0x3010);
        public static readonly DicomTag PresentationLUTSequence = new(0x2050, 0x0010);
        public static readonly DicomTag PresentationLUTShape = new(0x2050, 0x0020);
        public static readonly DicomTag ImageHorizontalFlip = new(0x0070, 0x0041);
        public static readonly DicomTag ImageRotation = new(0x0070, 0x0042);
        public static readonly DicomTag DisplayedAreaTopLeftHandCorner = new(0x0070, 0x0052);
        public static readonly DicomTag DisplayedAreaBottomRightHandCorner = new(0x0070, 0x0053);
        public static readonly DicomTag DisplayedAreaSelectionSequence = new(0x0070, 0x005A);
        public static readonly DicomTag PresentationSizeMode = new(0x0070, 0x0100);
        public static readonly DicomTag PresentationPixelSpacing = new(0x0070, 0x0101);
        public static readonly DicomTag PresentationPixelAspectRatio = new(0x0070, 0x0102);
        public static readonly DicomTag PresentationPixelMagnificationRatio = new(0x0070, 0x0103);
        public static readonly DicomTag GraphicAnnotationSequence = new(0x0070, 0x0001);
        public static readonly DicomTag TextObjectSequence = new(0x0070, 0x0008);
    }
}
