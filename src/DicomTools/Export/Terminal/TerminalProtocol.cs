namespace DicomTools.Export;

/// <summary>How a picture is drawn in a terminal.</summary>
public enum TerminalProtocol
{
    /// <summary>Detect what the terminal speaks (environment, then a device-attributes query); Blocks when unsure.</summary>
    Auto,
    /// <summary>DEC Sixel graphics (xterm -ti vt340, Windows Terminal 1.22+, foot, mlterm, WezTerm...).</summary>
    Sixel,
    /// <summary>The kitty graphics protocol with a PNG payload (kitty, ghostty, WezTerm, Konsole).</summary>
    Kitty,
    /// <summary>iTerm2's inline images (OSC 1337 File=), PNG payload (iTerm2, WezTerm, VS Code with images enabled).</summary>
    ITerm2,
    /// <summary>Unicode upper half blocks with 24-bit colour: two pixels a cell, works in any modern terminal.</summary>
    Blocks,
}

/// <summary>A terminal cell's size in pixels.</summary>
public readonly record struct CellSize(int Width, int Height)
{
    /// <summary>Used when the terminal does not report its cell size (CSI 16 t): 10 x 20, close to common
    /// monospace fonts at 12-13 pt, and 2:1, so a half block is a square pixel.</summary>
    public static CellSize Default { get; } = new(10, 20);
}
