namespace DicomTools.Codecs.Jpeg.Dct;

/// <summary>
/// One scan of a DCT frame as its header (T.81 B.2.3) describes it: the components it carries in order, the
/// spectral band Ss..Se and the successive-approximation bit positions Ah (previous) and Al (this scan).
/// A sequential scan is the band 0..63 with no approximation.
/// </summary>
internal sealed class DctScan
{
    public required DctComponent[] Components { get; init; }
    public required int SpectralStart { get; init; }
    public required int SpectralEnd { get; init; }
    public required int ApproximationHigh { get; init; }
    public required int ApproximationLow { get; init; }
    public required int RestartInterval { get; init; }
    public required bool Progressive { get; init; }

    /// <summary>Codestream offset of the SOS marker, for messages.</summary>
    public required int Offset { get; init; }

    public bool IsDc => SpectralStart == 0;
    public bool IsRefinement => ApproximationHigh != 0;

    /// <summary>MCUs per row and MCU rows: one block each for a single-component scan, else the frame's MCU grid.</summary>
    public int McusWide(DctFrame frame) => Components.Length == 1 ? Components[0].BlocksWide : frame.McusWide;

    public int McusHigh(DctFrame frame) => Components.Length == 1 ? Components[0].BlocksHigh : frame.McusHigh;
}

/// <summary>The frame-wide facts the scan decoders need: components, MCU grid, precision.</summary>
internal sealed class DctFrame
{
    public required DctComponent[] Components { get; init; }
    public required int McusWide { get; init; }
    public required int McusHigh { get; init; }
    public required int Precision { get; init; }
    public required bool Progressive { get; init; }
    public required IntegerInverseDct Idct { get; init; }
}
