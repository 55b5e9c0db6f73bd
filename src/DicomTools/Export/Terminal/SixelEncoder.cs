using System.Globalization;
using System.Text;

namespace DicomTools.Export;

/// <summary>
/// DEC Sixel (VT330/VT340 graphics): DCS q, raster attributes, colour registers, then bands of six rows, each
/// colour's pixels of the band as one run-length-encoded line. Grey stays grey: Sixel colour registers are given
/// in percent (0-100), so a grey image uses at most 101 grey registers and each grey level comes back within one
/// level of itself. Colour images use a fixed 6x7x6 cube (252 registers; green gets the extra step because the eye
/// is most sensitive to it).
/// </summary>
public static class SixelEncoder
{
    private const int RedLevels = 6, GreenLevels = 7, BlueLevels = 6;

    /// <summary>The Sixel sequence for 8-bit grey (<paramref name="channels"/> 1) or RGB (3) pixels.</summary>
    public static string Encode(ReadOnlySpan<byte> pixels, int width, int height, int channels)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"Image size {width}x{height} is not positive.");
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), channels, "1 (grey) or 3 (RGB).");
        if (pixels.Length != (long)width * height * channels) throw new ArgumentException($"{pixels.Length} bytes for a {width}x{height}x{channels} image.");

        // Register of every pixel, and each register's colour in percent.
        var index = new byte[width * height];
        var palette = new List<(int R, int G, int B)>();
        if (channels == 1)
        {
            var registerOfPercent = new int[101];
            Array.Fill(registerOfPercent, -1);
            var percentOfGrey = new int[256];
            for (int v = 0; v < 256; v++) percentOfGrey[v] = (int)Math.Round(v * 100 / 255.0, MidpointRounding.AwayFromZero);
            for (int i = 0; i < index.Length; i++)
            {
                int p = percentOfGrey[pixels[i]];
                if (registerOfPercent[p] < 0)
                {
                    registerOfPercent[p] = palette.Count;
                    palette.Add((p, p, p));
                }
                index[i] = (byte)registerOfPercent[p];
            }
        }
        else
        {
            var registerOfCube = new int[RedLevels * GreenLevels * BlueLevels];
            Array.Fill(registerOfCube, -1);
            for (int i = 0; i < index.Length; i++)
            {
                int r = Level(pixels[i * 3], RedLevels), g = Level(pixels[i * 3 + 1], GreenLevels), b = Level(pixels[i * 3 + 2], BlueLevels);
                int cube = (r * GreenLevels + g) * BlueLevels + b;
                if (registerOfCube[cube] < 0)
                {
                    registerOfCube[cube] = palette.Count;
                    palette.Add((Percent(r, RedLevels), Percent(g, GreenLevels), Percent(b, BlueLevels)));
                }
                index[i] = (byte)registerOfCube[cube];
            }
        }

        var text = new StringBuilder(width * height / 2 + 64 + palette.Count * 16);
        // P2 = 1: pixels not painted keep the background (we paint every pixel anyway); "1;1 = square pixels.
        text.Append("\u001bP0;1;0q\"1;1;").Append(width.ToString(CultureInfo.InvariantCulture)).Append(';')
            .Append(height.ToString(CultureInfo.InvariantCulture));
        for (int i = 0; i < palette.Count; i++)
            text.Append('#').Append(i.ToString(CultureInfo.InvariantCulture)).Append(";2;")
                .Append(palette[i].R.ToString(CultureInfo.InvariantCulture)).Append(';')
                .Append(palette[i].G.ToString(CultureInfo.InvariantCulture)).Append(';')
                .Append(palette[i].B.ToString(CultureInfo.InvariantCulture));

        // Six-bit columns of the current band, per register; only the registers the band uses are visited and cleared.
        var bits = new byte[palette.Count * width];
        var used = new bool[palette.Count];
        var usedList = new List<int>(palette.Count);
        for (int top = 0; top < height; top += 6)
        {
            usedList.Clear();
            int bandRows = Math.Min(6, height - top);
            for (int r = 0; r < bandRows; r++)
            {
                int rowStart = (top + r) * width;
                byte bit = (byte)(1 << r);
                for (int x = 0; x < width; x++)
                {
                    int register = index[rowStart + x];
                    if (!used[register])
                    {
                        used[register] = true;
                        usedList.Add(register);
                    }
                    bits[register * width + x] |= bit;
                }
            }
            for (int u = 0; u < usedList.Count; u++)
            {
                int register = usedList[u];
                if (u > 0) text.Append('$'); // back to the band's start for the next colour
                text.Append('#').Append(register.ToString(CultureInfo.InvariantCulture));
                var line = bits.AsSpan(register * width, width);
                int last = width - 1;
                while (last >= 0 && line[last] == 0) last--;
                AppendRuns(text, line[..(last + 1)]);
                line.Clear();
                used[register] = false;
            }
            text.Append('-');
        }
        text.Append("\u001b\\");
        return text.ToString();
    }

    /// <summary>Sixel characters ('?' + bits), runs of four or more as "!count char".</summary>
    private static void AppendRuns(StringBuilder text, ReadOnlySpan<byte> line)
    {
        int x = 0;
        while (x < line.Length)
        {
            byte value = line[x];
            int run = 1;
            while (x + run < line.Length && line[x + run] == value) run++;
            char c = (char)('?' + value);
            if (run >= 4) text.Append('!').Append(run.ToString(CultureInfo.InvariantCulture)).Append(c);
            else text.Append(c, run);
            x += run;
        }
    }

    private static int Level(byte value, int levels) => (value * (levels - 1) + 127) / 255;

    private static int Percent(int level, int levels) => (int)Math.Round(level * 100.0 / (levels - 1), MidpointRounding.AwayFromZero);
}
