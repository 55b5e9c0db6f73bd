namespace DicomTools.Imaging.Presentation;

/// <summary>
/// The Displayed Area Selection (PS3.3 C.10.4) as a picture for a file: the area between its 1-based corners
/// (inclusive), black where it reaches beyond the image. A file has no physical display, so, as PS3.18 9.5.2.3 says
/// for rendered presentation states, SCALE TO FIT and TRUE SIZE give the area unscaled (one output pixel per image
/// pixel) and MAGNIFY scales it by the Presentation Pixel Magnification Ratio. Non-square displayed pixels stretch
/// the longer axis (never shrink the other, so no image pixel is lost). Sampling is nearest neighbour at the centre
/// of each output pixel (the standard names no interpolation).
/// </summary>
internal static class DisplayedAreaSampler
{
    /// <summary>Most pixels of an output picture; a larger displayed area is a damaged or hostile state.</summary>
    private const long MaxPixels = 1L << 26;

    public static (int Width, int Height) OutputSize(DisplayedArea area)
    {
        long areaWidth = (long)area.Right - area.Left + 1, areaHeight = (long)area.Bottom - area.Top + 1;
        var (sx, sy) = Scale(area);
        long w = Math.Max(1, (long)Math.Round(areaWidth * sx)), h = Math.Max(1, (long)Math.Round(areaHeight * sy));
        if (w * h > MaxPixels)
            throw new PresentationStateException($"the displayed area {w}x{h} is larger than {MaxPixels / (1 << 20)} million pixels");
        return ((int)w, (int)h);
    }

    private static (double X, double Y) Scale(DisplayedArea area)
    {
        double m = area.SizeMode == "MAGNIFY" ? area.Magnification : 1;
        return area.AspectRatio >= 1 ? (m, m * area.AspectRatio) : (m / area.AspectRatio, m);
    }

    public static (byte[] Pixels, int Width, int Height) Sample(byte[] pixels, int width, int height, DisplayedArea area)
    {
        var (w, h) = OutputSize(area);
        long areaWidth = (long)area.Right - area.Left + 1, areaHeight = (long)area.Bottom - area.Top + 1;
        // Source column of each output column, once: -1 where it falls outside the image.
        var columns = new long[w];
        for (int x = 0; x < w; x++)
        {
            long sx = area.Left - 1L + (long)Math.Floor((x + 0.5) * areaWidth / w);
            columns[x] = sx >= 0 && sx < width ? sx : -1;
        }
        var result = new byte[(long)w * h];
        for (int y = 0; y < h; y++)
        {
            long sy = area.Top - 1L + (long)Math.Floor((y + 0.5) * areaHeight / h);
            if (sy < 0 || sy >= height) continue;
            var row = pixels.AsSpan((int)(sy * width), width);
            var destination = result.AsSpan(y * w, w);
            for (int x = 0; x < w; x++)
                if (columns[x] >= 0) destination[x] = row[(int)columns[x]];
        }
        return (result, w, h);
    }
}
