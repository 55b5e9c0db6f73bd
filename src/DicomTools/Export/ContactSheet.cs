namespace DicomTools.Export;

/// <summary>
/// Many images tiled into one: a grid of <c>columns</c> tiles, each image fitted (area averaging, aspect kept,
/// never enlarged) into a square of <c>tileSize</c> pixels and centred on black, with an optional caption strip
/// under each tile drawn in a tiny built-in font (digits, letters, a few signs). Tiles may come in any order; the
/// sheet is grey unless a colour tile was placed.
/// </summary>
public sealed class ContactSheet
{
    /// <summary>Pixels between tiles and around the sheet.</summary>
    public const int Gap = 4;

    private readonly byte[] _rgb;
    private readonly int _columns, _tileSize, _captionHeight;
    private bool _hasColour;

    public ContactSheet(int tileCount, int columns, int tileSize, bool captions)
    {
        if (tileCount < 1) throw new ArgumentOutOfRangeException(nameof(tileCount), tileCount, "At least one tile.");
        if (columns < 1) throw new ArgumentOutOfRangeException(nameof(columns), columns, "At least one column.");
        if (tileSize < 8) throw new ArgumentOutOfRangeException(nameof(tileSize), tileSize, "Tiles of at least 8 pixels.");
        TileCount = tileCount;
        _columns = Math.Min(columns, tileCount);
        _tileSize = tileSize;
        _captionHeight = captions ? TinyFont.Height * TinyFont.Scale + 4 : 0;
        int rows = (tileCount + _columns - 1) / _columns;
        Width = Gap + _columns * (tileSize + Gap);
        Height = Gap + rows * (tileSize + _captionHeight + Gap);
        if ((long)Width * Height * 3 > int.MaxValue) throw new ArgumentException($"A {Width}x{Height} sheet is too large; use fewer or smaller tiles.");
        _rgb = new byte[Width * Height * 3];
    }

    public int TileCount { get; }
    public int Width { get; }
    public int Height { get; }
    public bool IsColor => _hasColour;

    /// <summary>Draws tile <paramref name="index"/> (row-major) from 8-bit grey or RGB pixels, with its caption.</summary>
    public void Place(int index, ReadOnlySpan<byte> pixels, int width, int height, int channels, string? caption)
    {
        if (index < 0 || index >= TileCount) throw new ArgumentOutOfRangeException(nameof(index), index, $"Tiles are 0..{TileCount - 1}.");
        var (w, h) = ImageScaler.FitWithin(width, height, _tileSize);
        var scaled = ImageScaler.Resize(pixels, width, height, channels, w, h);
        if (channels == 3) _hasColour = true;
        int left = Gap + index % _columns * (_tileSize + Gap) + (_tileSize - w) / 2;
        int top = Gap + index / _columns * (_tileSize + _captionHeight + Gap) + (_tileSize - h) / 2;
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                int to = ((top + y) * Width + left + x) * 3;
                int from = (y * w + x) * channels;
                _rgb[to] = scaled[from];
                _rgb[to + 1] = scaled[channels == 3 ? from + 1 : from];
                _rgb[to + 2] = scaled[channels == 3 ? from + 2 : from];
            }
        }
        if (_captionHeight > 0 && !string.IsNullOrEmpty(caption))
        {
            int captionTop = Gap + index / _columns * (_tileSize + _captionHeight + Gap) + _tileSize + 2;
            int captionLeft = Gap + index % _columns * (_tileSize + Gap);
            TinyFont.Draw(_rgb, Width, captionLeft, captionTop, _tileSize, caption);
        }
    }

    /// <summary>The sheet's pixels: grey (1 byte a pixel) unless a colour tile was placed (RGB).</summary>
    public byte[] Pixels()
    {
        if (_hasColour) return (byte[])_rgb.Clone();
        var grey = new byte[Width * Height];
        for (int i = 0; i < grey.Length; i++) grey[i] = _rgb[i * 3];
        return grey;
    }
}

/// <summary>A 3x5 pixel font (drawn at twice that size) for captions: digits, upper-case letters and . - : _ # /.</summary>
internal static class TinyFont
{
    public const int Width = 3, Height = 5, Scale = 2;

    // Each glyph: five rows of three bits, top row first, leftmost pixel the high bit.
    private static readonly Dictionary<char, int[]> Glyphs = new()
    {
        ['0'] = new[] { 7, 5, 5, 5, 7 }, ['1'] = new[] { 2, 6, 2, 2, 7 }, ['2'] = new[] { 7, 1, 7, 4, 7 },
        ['3'] = new[] { 7, 1, 7, 1, 7 }, ['4'] = new[] { 5, 5, 7, 1, 1 }, ['5'] = new[] { 7, 4, 7, 1, 7 },
        ['6'] = new[] { 7, 4, 7, 5, 7 }, ['7'] = new[] { 7, 1, 1, 1, 1 }, ['8'] = new[] { 7, 5, 7, 5, 7 },
        ['9'] = new[] { 7, 5, 7, 1, 7 },
        ['A'] = new[] { 2, 5, 7, 5, 5 }, ['B'] = new[] { 6, 5, 6, 5, 6 }, ['C'] = new[] { 3, 4, 4, 4, 3 },
        ['D'] = new[] { 6, 5, 5, 5, 6 }, ['E'] = new[] { 7, 4, 6, 4, 7 }, ['F'] = new[] { 7, 4, 6, 4, 4 },
        ['G'] = new[] { 3, 4, 5, 5, 3 }, ['H'] = new[] { 5, 5, 7, 5, 5 }, ['I'] = new[] { 7, 2, 2, 2, 7 },
        ['J'] = new[] { 1, 1, 1, 5, 2 }, ['K'] = new[] { 5, 5, 6, 5, 5 }, ['L'] = new[] { 4, 4, 4, 4, 7 },
        ['M'] = new[] { 5, 7, 7, 5, 5 }, ['N'] = new[] { 6, 5, 5, 5, 5 }, ['O'] = new[] { 2, 5, 5, 5, 2 },
        ['P'] = new[] { 6, 5, 6, 4, 4 }, ['Q'] = new[] { 2, 5, 5, 6, 3 }, ['R'] = new[] { 6, 5, 6, 5, 5 },
        ['S'] = new[] { 3, 4, 2, 1, 6 }, ['T'] = new[] { 7, 2, 2, 2, 2 }, ['U'] = new[] { 5, 5, 5, 5, 7 },
        ['V'] = new[] { 5, 5, 5, 5, 2 }, ['W'] = new[] { 5, 5, 7, 7, 5 }, ['X'] = new[] { 5, 5, 2, 5, 5 },
        ['Y'] = new[] { 5, 5, 2, 2, 2 }, ['Z'] = new[] { 7, 1, 2, 4, 7 },
        ['.'] = new[] { 0, 0, 0, 0, 2 }, ['-'] = new[] { 0, 0, 7, 0, 0 }, [':'] = new[] { 0, 2, 0, 2, 0 },
        ['_'] = new[] { 0, 0, 0, 0, 7 }, ['#'] = new[] { 5, 7, 5, 7, 5 }, ['/'] = new[] { 1, 1, 2, 4, 4 },
        [' '] = new[] { 0, 0, 0, 0, 0 },
    };

    /// <summary>Draws <paramref name="text"/> in white into an RGB buffer, cut at <paramref name="maxWidth"/>
    /// pixels; characters without a glyph are drawn as '?'-less gaps (lower case is drawn as upper case).</summary>
    public static void Draw(byte[] rgb, int stride, int left, int top, int maxWidth, string text)
    {
        int advance = (Width + 1) * Scale;
        int x0 = left;
        foreach (char raw in text)
        {
            if (x0 + Width * Scale > left + maxWidth) break;
            if (Glyphs.TryGetValue(char.ToUpperInvariant(raw), out var rows))
            {
                for (int gy = 0; gy < Height * Scale; gy++)
                {
                    int bits = rows[gy / Scale];
                    for (int gx = 0; gx < Width * Scale; gx++)
                    {
                        if ((bits >> (Width - 1 - gx / Scale) & 1) == 0) continue;
                        int at = ((top + gy) * stride + x0 + gx) * 3;
                        rgb[at] = rgb[at + 1] = rgb[at + 2] = 255;
                    }
                }
            }
            x0 += advance;
        }
    }
}

/// <summary>
/// The order images of a series are shown in: by Instance Number when every image has one, else by Image Position
/// (Patient) projected on the slice normal (the cross product of Image Orientation (Patient)'s row and column
/// directions) when every image has both, else as they came. Frames of one file stay in frame order.
/// </summary>
public static class SeriesOrder
{
    /// <param name="headerText">The text of a header attribute of an item by keyword, or null.</param>
    public static IReadOnlyList<T> Sort<T>(IReadOnlyList<T> items, Func<T, string, string?> headerText, Func<T, int> frame)
    {
        var keys = items.Select(item => Number(headerText(item, "InstanceNumber"))).ToArray();
        if (keys.All(k => k.HasValue))
            return items.Select((item, i) => (item, i)).OrderBy(p => keys[p.i]!.Value).ThenBy(p => frame(p.item)).ThenBy(p => p.i)
                .Select(p => p.item).ToList();
        var positions = items.Select(item => SlicePosition(headerText(item, "ImagePositionPatient"), headerText(item, "ImageOrientationPatient"))).ToArray();
        if (positions.All(p => p.HasValue))
            return items.Select((item, i) => (item, i)).OrderBy(p => positions[p.i]!.Value).ThenBy(p => frame(p.item)).ThenBy(p => p.i)
                .Select(p => p.item).ToList();
        return items;
    }

    /// <summary>Position along the slice normal, or null when either attribute is missing or malformed.</summary>
    public static double? SlicePosition(string? imagePosition, string? imageOrientation)
    {
        var p = Numbers(imagePosition, 3);
        var o = Numbers(imageOrientation, 6);
        if (p is null || o is null) return null;
        double nx = o[1] * o[5] - o[2] * o[4];
        double ny = o[2] * o[3] - o[0] * o[5];
        double nz = o[0] * o[4] - o[1] * o[3];
        return p[0] * nx + p[1] * ny + p[2] * nz;
    }

    private static double? Number(string? text) => Numbers(text, 1)?[0];

    private static double[]? Numbers(string? text, int count)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var parts = text.Split('\\');
        if (parts.Length < count) return null;
        var values = new double[count];
        for (int i = 0; i < count; i++)
            if (!double.TryParse(parts[i].Trim(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out values[i])
                || !double.IsFinite(values[i]))
                return null;
        return values;
    }
}
