using System.Buffers;

namespace DicomTools.Codecs.Jpeg.Dct;

/// <summary>
/// One component of a DCT frame while it is decoded: its sampling, its block grid, where its samples go
/// (<see cref="Plane"/>) and, for progressive frames, its quantized coefficients until the last scan
/// (<see cref="Coefficients"/>). T.81 A.1.1 and A.2.4: the component is ceil(X * Hi / Hmax) by ceil(Y * Vi / Vmax)
/// samples; a scan of this component alone walks ceil(width / 8) by ceil(height / 8) blocks, an interleaved scan
/// walks whole MCUs and so may touch padding blocks past that (they are decoded and dropped, as in libjpeg).
/// </summary>
internal sealed class DctComponent
{
    public DctComponent(int index, JpegComponentInfo info, int maxH, int maxV, int mcusWide, int mcusHigh, int samplesPerLine, int lines, bool progressive)
    {
        Index = index;
        Identifier = info.Identifier;
        HorizontalSampling = info.HorizontalSampling;
        VerticalSampling = info.VerticalSampling;
        QuantizationTableId = info.QuantizationTable;
        int width = (samplesPerLine * HorizontalSampling + maxH - 1) / maxH;
        int height = (lines * VerticalSampling + maxV - 1) / maxV;
        BlocksWide = (width + 7) / 8;
        BlocksHigh = (height + 7) / 8;
        GridWide = mcusWide * HorizontalSampling;
        GridHigh = mcusHigh * VerticalSampling;
        int stride = 8 * BlocksWide, paddedHeight = 8 * BlocksHigh;
        Plane = new ComponentPlane(width, height, stride, paddedHeight, maxH / HorizontalSampling, maxV / VerticalSampling,
            ArrayPool<short>.Shared.Rent(stride * paddedHeight));
        if (progressive)
        {
            // Every coefficient starts at zero, as in libjpeg's buffer: what no scan sets stays 0.
            Coefficients = ArrayPool<short>.Shared.Rent(64 * GridWide * GridHigh);
            Array.Clear(Coefficients, 0, 64 * GridWide * GridHigh);
        }
    }

    public int Index { get; }
    public int Identifier { get; }
    public int HorizontalSampling { get; }
    public int VerticalSampling { get; }
    public int QuantizationTableId { get; }

    /// <summary>Blocks that hold samples of the component (a non-interleaved scan walks exactly these).</summary>
    public int BlocksWide { get; }
    public int BlocksHigh { get; }

    /// <summary>Blocks of the MCU grid (interleaved scans), at least <see cref="BlocksWide"/> by <see cref="BlocksHigh"/>.</summary>
    public int GridWide { get; }
    public int GridHigh { get; }

    public ComponentPlane Plane { get; }

    /// <summary>Progressive frames only: 64 coefficients per block of the MCU grid, natural order, row by row.</summary>
    public short[]? Coefficients { get; }

    /// <summary>The quantization table latched at the component's first scan (natural order), or null before it.</summary>
    public int[]? Quantization { get; set; }

    /// <summary>Whether any scan has carried the component.</summary>
    public bool Scanned { get; set; }

    // Per-scan state: the entropy tables chosen by the scan header and the DC prediction (T.81 F.2.1.3.1).
    public DctHuffmanTable? DcTable { get; set; }
    public DctHuffmanTable? AcTable { get; set; }
    public int DcConditioning { get; set; }
    public int AcConditioning { get; set; }
    public int DcPrediction;
    public int DcContext;

    public Span<short> Block(int blockX, int blockY) => Coefficients.AsSpan(64 * (blockY * GridWide + blockX), 64);

    public void Return()
    {
        ArrayPool<short>.Shared.Return(Plane.Samples);
        if (Coefficients is not null) ArrayPool<short>.Shared.Return(Coefficients);
    }
}
