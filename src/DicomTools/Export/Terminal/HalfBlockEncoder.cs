using System.Globalization;
using System.Text;

namespace DicomTools.Export;

/// <summary>
/// Pictures from text: each cell is the upper half block (U+2580) with the top pixel as the 24-bit foreground colour
/// and the bottom pixel as the background colour (SGR 38;2 / 48;2), so any terminal with true colour shows two pixels
/// a cell. Colours are only re-sent when they change; each row ends by resetting attributes, so a resize or a
/// scrolled prompt never inherits a colour. An odd last pixel row leaves the bottom halves in the default background.
/// </summary>
public static class HalfBlockEncoder
{
    public const char UpperHalfBlock = '\u2580';

    /// <summary>Rows of half blocks joined by '\n' (no trailing newline) for 8-bit grey or RGB pixels.</summary>
    public static string Encode(ReadOnlySpan<byte> pixels, int width, int height, int channels)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"Image size {width}x{height} is not positive.");
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), channels, "1 (grey) or 3 (RGB).");
        if (pixels.Length != (long)width * height * channels) throw new ArgumentException($"{pixels.Length} bytes for a {width}x{height}x{channels} image.");

        var text = new StringBuilder((height + 1) / 2 * width * 24);
        for (int y = 0; y < height; y += 2)
        {
            if (y > 0) text.Append('\n');
            int foreground = -1, background = -1;
            bool hasBottom = y + 1 < height;
            for (int x = 0; x < width; x++)
            {
                int top = Colour(pixels, (y * width + x) * channels, channels);
                if (top != foreground)
                {
                    AppendColour(text, 38, top);
                    foreground = top;
                }
                if (hasBottom)
                {
                    int bottom = Colour(pixels, ((y + 1) * width + x) * channels, channels);
                    if (bottom != background)
                    {
                        AppendColour(text, 48, bottom);
                        background = bottom;
                    }
                }
                text.Append(UpperHalfBlock);
            }
            text.Append("\u001b[0m");
        }
        return text.ToString();
    }

    private static int Colour(ReadOnlySpan<byte> pixels, int at, int channels) =>
        channels == 1 ? pixels[at] * 0x010101 : pixels[at] << 16 | pixels[at + 1] << 8 | pixels[at + 2];

    private static void AppendColour(StringBuilder text, int which, int rgb) =>
        text.Append("\u001b[").Append(which.ToString(CultureInfo.InvariantCulture)).Append(";2;")
            .Append(((rgb >> 16) & 0xFF).ToString(CultureInfo.InvariantCulture)).Append(';')
            .Append(((rgb >> 8) & 0xFF).ToString(CultureInfo.InvariantCulture)).Append(';')
            .Append((rgb & 0xFF).ToString(CultureInfo.InvariantCulture)).Append('m');
}
