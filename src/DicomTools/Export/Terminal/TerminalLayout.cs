using System.Globalization;

namespace DicomTools.Export;

/// <summary>
/// How large a picture is drawn: its width in terminal cells and the pixel size that fills them, keeping the
/// physical aspect ratio (non-square pixels from Pixel Aspect Ratio or Pixel Spacing are corrected here).
/// </summary>
public static class TerminalLayout
{
    /// <summary>
    /// The pixel size to encode for <paramref name="columns"/> cells: Blocks draw one pixel per cell across and two
    /// per cell down; the bitmap protocols fill each cell with <paramref name="cell"/> pixels.
    /// </summary>
    /// <param name="pixelAspect">A pixel's height over its width (1 for square pixels).</param>
    public static (int Width, int Height) PixelSize(TerminalProtocol protocol, int imageWidth, int imageHeight, double pixelAspect,
        int columns, CellSize cell)
    {
        if (imageWidth <= 0 || imageHeight <= 0) throw new ArgumentException($"Image size {imageWidth}x{imageHeight} is not positive.");
        if (columns < 1) throw new ArgumentOutOfRangeException(nameof(columns), columns, "At least one column.");
        double shape = imageHeight * pixelAspect / imageWidth; // physical height over width
        if (protocol == TerminalProtocol.Blocks)
        {
            // A half block is cell.Width wide and cell.Height / 2 tall.
            double height = columns * shape * cell.Width / (cell.Height / 2.0);
            return (columns, Math.Max(1, (int)Math.Round(height)));
        }
        int width = columns * cell.Width;
        return (width, Math.Max(1, (int)Math.Round(width * shape)));
    }

    /// <summary>Terminal rows the picture takes (before any caption line).</summary>
    public static int Rows(TerminalProtocol protocol, int pixelHeight, CellSize cell) =>
        protocol == TerminalProtocol.Blocks ? (pixelHeight + 1) / 2 : (pixelHeight + cell.Height - 1) / cell.Height;

    /// <summary>
    /// Width in cells when the user gave none: the window's width (less one column, so the terminal does not
    /// wrap), narrowed so the picture's height fits the window's rows (less two, for the caption and the prompt)
    /// and, for the bitmap protocols, so the image is not enlarged beyond its own pixels.
    /// </summary>
    public static int DefaultColumns(TerminalProtocol protocol, int imageWidth, int imageHeight, double pixelAspect,
        int windowColumns, int windowRows, CellSize cell)
    {
        int columns = Math.Max(1, windowColumns - 1);
        double shape = imageHeight * pixelAspect / imageWidth;
        if (windowRows > 3)
        {
            // Rows taken per column: shape * cell.Width / cell.Height for every protocol.
            double rowsPerColumn = shape * cell.Width / cell.Height;
            int fit = (int)Math.Floor((windowRows - 2) / rowsPerColumn);
            columns = Math.Clamp(fit, 1, columns);
        }
        int native = protocol == TerminalProtocol.Blocks ? imageWidth : (imageWidth + cell.Width - 1) / cell.Width;
        return Math.Clamp(native, 1, columns);
    }

    /// <summary>
    /// A pixel's height over its width from Pixel Aspect Ratio (0028,0034: vertical\horizontal) or, failing that,
    /// Pixel Spacing (0028,0030: row spacing\column spacing, i.e. vertical\horizontal too); 1 when neither is usable.
    /// </summary>
    public static double PixelAspect(string? pixelAspectRatio, string? pixelSpacing)
    {
        if (Ratio(pixelAspectRatio) is { } ratio) return ratio;
        if (Ratio(pixelSpacing) is { } spacing) return spacing;
        return 1;
    }

    private static double? Ratio(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var parts = text.Split('\\');
        if (parts.Length != 2) return null;
        if (!double.TryParse(parts[0].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var vertical)
            || !double.TryParse(parts[1].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var horizontal))
            return null;
        if (!(vertical > 0 && horizontal > 0) || !double.IsFinite(vertical / horizontal)) return null;
        double r = vertical / horizontal;
        // Beyond 1:8 is a damaged header, not a real pixel shape.
        return r is >= 0.125 and <= 8 ? r : null;
    }
}
