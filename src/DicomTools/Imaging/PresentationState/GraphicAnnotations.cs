using DicomTools.Dicom;

namespace DicomTools.Imaging.Presentation;

/// <summary>One graphic object of a Graphic Annotation Sequence item (PS3.3 C.10.5): its type, units and points as
/// column\row pairs (PIXEL: image pixels, 0\0 the top left corner of the top left pixel; DISPLAY: 0..1 of the
/// displayed area).</summary>
internal sealed record GraphicObject(ReferencedImage[] Images, string Type, bool DisplayUnits, (double X, double Y)[] Points);

/// <summary>Image coordinates (PIXEL units: 0\0 the top left corner of the top left pixel, C.10.5.1.2) to a picture
/// showing the displayed area: subtract the area's corner (also 0-based corner coordinates), then scale.</summary>
internal sealed record PixelMap(double Left, double Top, double ScaleX, double ScaleY)
{
    public static readonly PixelMap Identity = new(0, 0, 1, 1);
}

/// <summary>Reads and draws graphic annotations (outlines; text and fills are not drawn).</summary>
internal static class GraphicAnnotations
{
    private static readonly DicomTag GraphicAnnotationSequence = new(0x0070, 0x0001);
    private static readonly DicomTag GraphicObjectSequence = new(0x0070, 0x0009);
    private static readonly DicomTag GraphicAnnotationUnits = new(0x0070, 0x0005);
    private static readonly DicomTag GraphicData = new(0x0070, 0x0022);
    private static readonly DicomTag GraphicType = new(0x0070, 0x0023);

    /// <summary>Most points read from one graphic object; more is a damaged or hostile file.</summary>
    private const int MaxPoints = 1 << 16;

    public static GraphicObject[] Read(DicomDataset ds) =>
        ds.GetSequence(GraphicAnnotationSequence).SelectMany(item =>
        {
            var images = ReferencedImage.ListIn(item);
            return item.GetSequence(GraphicObjectSequence).Select(g =>
            {
                var data = g.GetDoubles(GraphicData);
                string type = g.GetString(GraphicType)?.Trim().ToUpperInvariant() ?? "";
                if (data is not { Length: >= 2 } || data.Length / 2 > MaxPoints || data.Any(v => !double.IsFinite(v))) return null;
                var points = Enumerable.Range(0, data.Length / 2).Select(i => (data[2 * i], data[2 * i + 1])).ToArray();
                bool display = g.GetString(GraphicAnnotationUnits)?.Trim().ToUpperInvariant() == "DISPLAY";
                return new GraphicObject(images, type, display, points);
            }).OfType<GraphicObject>();
        }).ToArray();

    /// <summary>Draws the objects into a width x height grey image in white: DISPLAY units as fractions of it, PIXEL
    /// units through <paramref name="map"/> (image coordinates to this picture's; the identity by default).</summary>
    public static void Draw(IEnumerable<GraphicObject> objects, byte[] pixels, int width, int height, PixelMap? map = null)
    {
        var m = map ?? PixelMap.Identity;
        foreach (var g in objects)
        {
            var p = g.DisplayUnits ? g.Points.Select(q => (q.X * width, q.Y * height)).ToArray()
                : g.Points.Select(q => ((q.X - m.Left) * m.ScaleX, (q.Y - m.Top) * m.ScaleY)).ToArray();
            switch (g.Type)
            {
                case "POINT":
                    foreach (var q in p) Plot(pixels, width, height, q.Item1, q.Item2);
                    break;
                case "POLYLINE" or "INTERPOLATED":
                    if (p.Length == 1) Plot(pixels, width, height, p[0].Item1, p[0].Item2);
                    for (int i = 1; i < p.Length; i++) Segment(pixels, width, height, p[i - 1], p[i]);
                    break;
                case "CIRCLE" when p.Length >= 2:
                {
                    double r = Math.Sqrt(Square(p[1].Item1 - p[0].Item1) + Square(p[1].Item2 - p[0].Item2));
                    Ellipse(pixels, width, height, p[0], r, r, 0);
                    break;
                }
                case "ELLIPSE" when p.Length >= 4:
                {
                    var centre = ((p[0].Item1 + p[1].Item1) / 2, (p[0].Item2 + p[1].Item2) / 2);
                    double a = Math.Sqrt(Square(p[1].Item1 - p[0].Item1) + Square(p[1].Item2 - p[0].Item2)) / 2;
                    double b = Math.Sqrt(Square(p[3].Item1 - p[2].Item1) + Square(p[3].Item2 - p[2].Item2)) / 2;
                    Ellipse(pixels, width, height, centre, a, b, Math.Atan2(p[1].Item2 - p[0].Item2, p[1].Item1 - p[0].Item1));
                    break;
                }
            }
        }
    }

    private static double Square(double v) => v * v;

    /// <summary>The pixel that contains the point (x, y) (0\0 is the top left corner of the image).</summary>
    private static void Plot(byte[] pixels, int width, int height, double x, double y)
    {
        if (!(x >= 0 && y >= 0 && x < width && y < height)) return;
        pixels[(int)y * width + (int)x] = byte.MaxValue;
    }

    // Samples at most half a pixel apart, so every pixel the segment crosses centrally is drawn; lengths are capped
    // by clipping to the image first (a hostile coordinate cannot make the loop long).
    private static void Segment(byte[] pixels, int width, int height, (double X, double Y) a, (double X, double Y) b)
    {
        double length = Math.Max(Math.Abs(b.X - a.X), Math.Abs(b.Y - a.Y));
        int steps = (int)Math.Min(Math.Ceiling(length * 2), 4L * (width + height));
        for (int i = 0; i <= steps; i++)
        {
            double t = steps == 0 ? 0 : (double)i / steps;
            Plot(pixels, width, height, a.X + (b.X - a.X) * t, a.Y + (b.Y - a.Y) * t);
        }
    }

    private static void Ellipse(byte[] pixels, int width, int height, (double X, double Y) c, double a, double b, double angle)
    {
        double perimeter = 2 * Math.PI * Math.Max(a, b);
        int steps = (int)Math.Clamp(Math.Ceiling(perimeter * 2), 8, 8L * (width + height));
        double cos = Math.Cos(angle), sin = Math.Sin(angle);
        for (int i = 0; i < steps; i++)
        {
            double t = 2 * Math.PI * i / steps, x = a * Math.Cos(t), y = b * Math.Sin(t);
            Plot(pixels, width, height, c.X + x * cos - y * sin, c.Y + x * sin + y * cos);
        }
    }
}
