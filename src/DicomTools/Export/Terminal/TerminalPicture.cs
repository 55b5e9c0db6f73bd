using DicomTools.Imaging;

namespace DicomTools.Export;

/// <summary>
/// A display image as one string for a terminal: scaled by area averaging to the size <see cref="TerminalLayout"/>
/// gives, then encoded for the chosen protocol, optionally after a caption line.
/// </summary>
public static class TerminalPicture
{
    /// <summary>The pixels the picture encodes: <paramref name="image"/> resampled to
    /// <paramref name="width"/> x <paramref name="height"/> (1 or 3 channels, as the image).</summary>
    public static byte[] Scale(DicomDisplayImage image, int width, int height) =>
        ImageScaler.Resize(image.Pixels, image.Width, image.Height, image.IsColor ? 3 : 1, width, height);

    /// <param name="protocol">Sixel, Kitty, ITerm2 or Blocks (Auto is the cmdlet's business).</param>
    /// <param name="columns">Width in terminal cells.</param>
    /// <param name="pixelAspect">A pixel's height over its width.</param>
    /// <param name="caption">A line shown above the picture (escaped here), or null.</param>
    public static string Render(DicomDisplayImage image, TerminalProtocol protocol, int columns, CellSize cell, double pixelAspect,
        string? caption = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        var (width, height) = TerminalLayout.PixelSize(protocol, image.Width, image.Height, pixelAspect, columns, cell);
        int channels = image.IsColor ? 3 : 1;
        var pixels = Scale(image, width, height);
        string picture = protocol switch
        {
            TerminalProtocol.Sixel => SixelEncoder.Encode(pixels, width, height, channels),
            TerminalProtocol.Kitty => InlineImageEncoders.Kitty(InlineImageEncoders.Png(pixels, width, height, channels), columns,
                TerminalLayout.Rows(protocol, height, cell)),
            TerminalProtocol.ITerm2 => InlineImageEncoders.ITerm2(InlineImageEncoders.Png(pixels, width, height, channels), columns),
            TerminalProtocol.Blocks => HalfBlockEncoder.Encode(pixels, width, height, channels),
            _ => throw new ArgumentOutOfRangeException(nameof(protocol), protocol, "Choose Sixel, Kitty, ITerm2 or Blocks."),
        };
        return caption is null ? picture : TextEscaper.Escape(caption) + "\n" + picture;
    }
}

/// <summary>
/// What a terminal can show, from what it tells about itself: environment variables first (one table), then its
/// answers to queries (device attributes, cell size) that the cmdlet sends when the host is interactive.
/// </summary>
public static class TerminalDetection
{
    /// <summary>(variable, value pattern, protocol): the first match wins. A value of "*" means "set at all";
    /// a trailing '*' matches a prefix.</summary>
    private static readonly (string Variable, string Value, TerminalProtocol Protocol)[] Rules =
    {
        ("KITTY_WINDOW_ID", "*", TerminalProtocol.Kitty),
        ("TERM", "xterm-kitty", TerminalProtocol.Kitty),
        ("TERM", "xterm-ghostty", TerminalProtocol.Kitty),
        ("TERM_PROGRAM", "ghostty", TerminalProtocol.Kitty),
        ("TERM_PROGRAM", "iTerm.app", TerminalProtocol.ITerm2),
        ("TERM_PROGRAM", "WezTerm", TerminalProtocol.ITerm2),
        ("TERM_PROGRAM", "vscode", TerminalProtocol.ITerm2),   // VS Code draws iTerm2 and Sixel images when terminal.integrated.enableImages is on
        ("WT_SESSION", "*", TerminalProtocol.Sixel),           // Windows Terminal 1.22+
        ("TERM", "foot*", TerminalProtocol.Sixel),
        ("TERM", "mlterm*", TerminalProtocol.Sixel),
        ("TERM", "*sixel*", TerminalProtocol.Sixel),
    };

    /// <summary>The protocol the environment names, or null when it says nothing conclusive.</summary>
    public static TerminalProtocol? FromEnvironment(Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        foreach (var (name, pattern, protocol) in Rules)
        {
            string? value = variable(name);
            if (string.IsNullOrEmpty(value)) continue;
            if (Matches(value, pattern)) return protocol;
        }
        return null;
    }

    /// <summary>True when the environment promises 24-bit colour (COLORTERM truecolor/24bit, TERM *-direct).</summary>
    public static bool HasTrueColour(Func<string, string?> variable)
    {
        string? colorTerm = variable("COLORTERM");
        string? term = variable("TERM");
        return colorTerm is not null && (colorTerm.Equals("truecolor", StringComparison.OrdinalIgnoreCase) || colorTerm.Equals("24bit", StringComparison.OrdinalIgnoreCase))
            || term is not null && term.EndsWith("-direct", StringComparison.Ordinal);
    }

    /// <summary>
    /// True when a primary device-attributes reply (ESC [ ? Pn ; ... c, the answer to ESC [ c) lists attribute 4,
    /// Sixel graphics.
    /// </summary>
    public static bool ReportsSixel(string? reply)
    {
        if (string.IsNullOrEmpty(reply)) return false;
        int start = reply.IndexOf("\u001b[?", StringComparison.Ordinal);
        if (start < 0) return false;
        int end = reply.IndexOf('c', start);
        if (end < 0) return false;
        var attributes = reply[(start + 3)..end].Split(';');
        // The first number is the terminal class (e.g. 62, 63, 64); the rest are its features.
        return attributes.Skip(1).Any(a => a.Trim() == "4");
    }

    /// <summary>The cell size from a reply to CSI 16 t (ESC [ 6 ; height ; width t), or null.</summary>
    public static CellSize? ParseCellSize(string? reply)
    {
        if (string.IsNullOrEmpty(reply)) return null;
        int start = reply.IndexOf("\u001b[6;", StringComparison.Ordinal);
        if (start < 0) return null;
        int end = reply.IndexOf('t', start);
        if (end < 0) return null;
        var parts = reply[(start + 4)..end].Split(';');
        if (parts.Length != 2 || !int.TryParse(parts[0], out var height) || !int.TryParse(parts[1], out var width)) return null;
        return width is > 0 and < 1000 && height is > 0 and < 1000 ? new CellSize(width, height) : null;
    }

    private static bool Matches(string value, string pattern)
    {
        if (pattern == "*") return true;
        bool prefix = pattern.EndsWith('*'), suffixAny = pattern.StartsWith('*');
        string core = pattern.Trim('*');
        if (prefix && suffixAny) return value.Contains(core, StringComparison.OrdinalIgnoreCase);
        if (prefix) return value.StartsWith(core, StringComparison.OrdinalIgnoreCase);
        return value.Equals(core, StringComparison.OrdinalIgnoreCase);
    }
}
