using System.Globalization;
using System.Text;

namespace DicomTools.Export;

/// <summary>
/// The two protocols that carry a PNG file inside an escape sequence: kitty's graphics protocol (APC G, base64 in
/// chunks of 4096, "a=T,f=100") and iTerm2's inline images (OSC 1337 File=inline=1). Both are told the size in cells,
/// so the picture covers exactly the columns asked for whatever the terminal's font.
/// </summary>
public static class InlineImageEncoders
{
    /// <summary>Largest base64 payload of one kitty escape (the protocol's limit).</summary>
    public const int KittyChunk = 4096;

    /// <summary>PNG bytes of 8-bit grey (<paramref name="channels"/> 1) or RGB (3) pixels.</summary>
    public static byte[] Png(ReadOnlySpan<byte> pixels, int width, int height, int channels)
    {
        using var buffer = new MemoryStream();
        PngWriter.Write8(pixels, width, height, channels, buffer, EncodeOptions.DefaultCompressionLevel);
        return buffer.ToArray();
    }

    /// <summary>The kitty sequence: transmit and display (a=T) a PNG (f=100) over <paramref name="columns"/> x
    /// <paramref name="rows"/> cells, quietly (q=2: the terminal sends no reply into the input).</summary>
    public static string Kitty(byte[] png, int columns, int rows)
    {
        string payload = Convert.ToBase64String(png);
        var text = new StringBuilder(payload.Length + payload.Length / KittyChunk * 16 + 64);
        for (int at = 0; at < payload.Length || at == 0; at += KittyChunk)
        {
            int length = Math.Min(KittyChunk, payload.Length - at);
            bool more = at + length < payload.Length;
            text.Append("\u001b_G");
            if (at == 0)
                text.Append("a=T,f=100,q=2,c=").Append(columns.ToString(CultureInfo.InvariantCulture))
                    .Append(",r=").Append(rows.ToString(CultureInfo.InvariantCulture)).Append(',');
            text.Append("m=").Append(more ? '1' : '0').Append(';');
            text.Append(payload, at, length);
            text.Append("\u001b\\");
            if (!more) break;
        }
        return text.ToString();
    }

    /// <summary>The iTerm2 sequence: an inline file of <paramref name="png"/>'s size, <paramref name="columns"/>
    /// cells wide, its height from the image's own aspect.</summary>
    public static string ITerm2(byte[] png, int columns) =>
        "\u001b]1337;File=inline=1;size=" + png.Length.ToString(CultureInfo.InvariantCulture)
        + ";width=" + columns.ToString(CultureInfo.InvariantCulture) + ";height=auto;preserveAspectRatio=1:"
        + Convert.ToBase64String(png) + "\u0007";
}
