using DicomTools.Pixels;

namespace DicomTools.Imaging;

/// <summary>
/// Burns overlay planes into a display image: every set bit replaces the pixel with the foreground (white, the
/// display maximum, on grey images as DCMTK's default "replace" mode does for graphics; the chosen colour on colour
/// images). Graphics and ROI planes are drawn alike. The part of a plane that its origin puts outside the image is
/// clipped.
/// </summary>
internal static class OverlayBurner
{
    /// <summary>Burns <paramref name="overlays"/> into <paramref name="pixels"/> (width x height pixels of
    /// <paramref name="foreground"/>.Length interleaved samples) and returns the planes that showed at least one pixel
    /// of their area inside the image.</summary>
    public static IReadOnlyList<OverlayBitmap> Burn<T>(IReadOnlyList<OverlayBitmap> overlays, Span<T> pixels, int width, int height,
        ReadOnlySpan<T> foreground) where T : unmanaged
    {
        if (overlays.Count == 0) return Array.Empty<OverlayBitmap>();
        int channels = foreground.Length;
        if (pixels.Length < (long)width * height * channels)
            throw new ArgumentException($"{pixels.Length} samples cannot hold a {width}x{height} image of {channels} samples a pixel", nameof(pixels));
        var drawn = new List<OverlayBitmap>(overlays.Count);
        foreach (var overlay in overlays)
        {
            if (overlay.Bits.Length < (long)overlay.Rows * overlay.Columns) continue;
            // Plane rows/columns that land inside the image (origin is 1-based).
            long top = overlay.OriginRow - 1L, left = overlay.OriginColumn - 1L;
            int firstRow = (int)Math.Max(0, -top), lastRow = (int)Math.Min(overlay.Rows, height - top);
            int firstColumn = (int)Math.Max(0, -left), lastColumn = (int)Math.Min(overlay.Columns, width - left);
            if (firstRow >= lastRow || firstColumn >= lastColumn) continue;
            for (int r = firstRow; r < lastRow; r++)
            {
                var bits = overlay.Bits.AsSpan(r * overlay.Columns, overlay.Columns);
                var row = pixels.Slice((int)((top + r) * width * channels), width * channels);
                for (int c = firstColumn; c < lastColumn; c++)
                {
                    if (bits[c] == 0) continue;
                    foreground.CopyTo(row.Slice((int)((left + c) * channels), channels));
                }
            }
            drawn.Add(overlay);
        }
        return drawn;
    }
}

/// <summary>Colour names for -OverlayColor: a known colour name (Red, Yellow, Lime...), #RRGGBB, or R,G,B (0..255).</summary>
internal static class OverlayColors
{
    public static bool TryParse(string? text, out System.Drawing.Color color)
    {
        color = System.Drawing.Color.White;
        var s = text?.Trim() ?? "";
        if (s.Length == 0) return false;
        var parts = s.Split(',');
        if (parts.Length == 3)
        {
            var values = new int[3];
            for (int i = 0; i < 3; i++)
                if (!int.TryParse(parts[i].Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out values[i]) || values[i] > 255)
                    return false;
            color = System.Drawing.Color.FromArgb(values[0], values[1], values[2]);
            return true;
        }
        var hex = s.StartsWith('#') ? s[1..] : s;
        if (hex.Length == 6 && int.TryParse(hex, System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out int rgb))
        {
            color = System.Drawing.Color.FromArgb((rgb >> 16) & 255, (rgb >> 8) & 255, rgb & 255);
            return true;
        }
        var named = System.Drawing.Color.FromName(s);
        if (!named.IsKnownColor || named.IsSystemColor) return false;
        color = System.Drawing.Color.FromArgb(named.R, named.G, named.B);
        return true;
    }
}
