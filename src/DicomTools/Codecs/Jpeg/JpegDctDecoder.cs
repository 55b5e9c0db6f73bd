using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using DicomTools.Dicom;

namespace DicomTools.Codecs.Jpeg;

/// <summary>
/// DCT-based JPEG: baseline 8-bit (TransferSyntax.JpegBaseline8Bit), extended 12-bit and the retired
/// spectral-selection and full-progression syntaxes (.53, .55), and their arithmetic-coded variants (.52, .54,
/// .56) (<see cref="TransferSyntaxes"/>), decoded to the same samples as IJG libjpeg's defaults (DCMTK dcmdjpeg, GDCM, PIL). The entropy decoding
/// is our own (<see cref="Dct.DctFrameDecoder"/>: Huffman and arithmetic, sequential and progressive); each block
/// is dequantized with the table libjpeg would use (<see cref="QuantizationTables"/>) and transformed by libjpeg's
/// integer inverse DCT (<see cref="IntegerInverseDct"/>). Each component stays at its own resolution; subsampled
/// chroma is upsampled as libjpeg does (<see cref="ChromaUpsampler"/>) and YCbCr converted to RGB with its integer
/// tables when the codestream holds YCbCr (<see cref="JpegColor.HoldsYCbCr"/>). Samples are written in Bits
/// Allocated width, little endian; 12-bit samples keep their 12 bits in a 16-bit container. Returns "RGB" for a
/// 3-component colour frame (whether converted here or stored as RGB), otherwise the header's Photometric
/// Interpretation. A lossless (SOF3) codestream is handed to <see cref="JpegLosslessDecoder"/>.
/// </summary>
internal sealed class JpegDctDecoder : IFrameDecoder
{
    private const string CodecName = "JPEG";

    public string Name => CodecName;

    /// <summary>Baseline, extended (12-bit) and the retired DCT processes: sequential and progressive, Huffman or
    /// arithmetic. Hierarchical syntaxes are not supported.</summary>
    public IReadOnlyList<TransferSyntax> TransferSyntaxes { get; } = new[]
    {
        TransferSyntax.JpegBaseline8Bit, TransferSyntax.JpegExtended12Bit, TransferSyntax.JpegExtended35,
        TransferSyntax.JpegSpectralSelectionNonHierarchical68, TransferSyntax.JpegSpectralSelectionNonHierarchical79,
        TransferSyntax.JpegFullProgressionNonHierarchical1012, TransferSyntax.JpegFullProgressionNonHierarchical1113,
    };

    public bool IsFrameStart(ReadOnlySpan<byte> head) => JpegDecoders.StartsWithSoi(head);

    /// <summary>SOF markers of the DCT frames decoded here: sequential and progressive, Huffman or arithmetic.</summary>
    internal static bool Handles(byte startOfFrame) => startOfFrame is 0xC0 or 0xC1 or 0xC2 or 0xC9 or 0xCA;

    public string Decode(ReadOnlySpan<byte> encoded, FrameGeometry geometry, Span<byte> destination)
    {
        JpegOutput.Validate(geometry, CodecName);
        JpegFrameInfo frame = JpegFrameInfo.Read(encoded, CodecName);
        if (frame.IsLossless) return JpegDecoders.Lossless.Decode(encoded, geometry, destination);
        CheckSupported(frame);

        int lines = frame.Lines != 0 ? frame.Lines : LinesFromDefineNumberOfLines(encoded);
        CheckGeometry(frame, lines, geometry);
        Dct.DctComponent[] components = Dct.DctFrameDecoder.Decode(encoded, frame, lines);
        try
        {
            bool convert = geometry.SamplesPerPixel == 3 && JpegColor.HoldsYCbCr(frame, geometry.PhotometricInterpretation);
            ComponentPlane[] planes = Array.ConvertAll(components, c => c.Plane);
            WriteFrame(planes, frame, lines, geometry, convert, destination);
            return geometry.SamplesPerPixel == 3 && frame.Components.Length == 3 ? "RGB" : geometry.PhotometricInterpretation;
        }
        finally
        {
            foreach (Dct.DctComponent c in components) c.Return();
        }
    }

    private static void CheckSupported(JpegFrameInfo frame)
    {
        string sof = JpegMarker.Describe(frame.StartOfFrameMarker);
        if (!Handles(frame.StartOfFrameMarker))
            throw new CodecException($"{CodecName}: {sof} frames (hierarchical, differential or arithmetic lossless JPEG) are not supported.");
        if (frame.Precision != 8 && frame.Precision != 12)
            throw new CodecException($"{CodecName}: {sof} sample precision {frame.Precision} (DCT JPEG has 8 or 12).");
        if (frame.SamplesPerLine == 0)
            throw new CodecException($"{CodecName}: {sof} declares a width of 0 samples.");
        if (frame.Components.Length > 4)
            throw new CodecException($"{CodecName}: {sof} declares {frame.Components.Length} components (at most 4 supported).");
        int maxH = 1, maxV = 1;
        foreach (JpegComponentInfo c in frame.Components)
        {
            if (c.HorizontalSampling is < 1 or > 4 || c.VerticalSampling is < 1 or > 4)
                throw new CodecException($"{CodecName}: component {c.Identifier} has sampling factors {c.HorizontalSampling}x{c.VerticalSampling} (1-4 allowed).");
            maxH = Math.Max(maxH, c.HorizontalSampling);
            maxV = Math.Max(maxV, c.VerticalSampling);
        }
        foreach (JpegComponentInfo c in frame.Components)
        {
            // libjpeg upsamples by whole factors only ("fractional sampling not implemented"), so neither DCMTK nor
            // libjpeg-turbo decodes, say, 3x1 luma with 2x1 chroma; there is no reference to be exact against.
            if (maxH % c.HorizontalSampling != 0 || maxV % c.VerticalSampling != 0)
                throw new CodecException($"{CodecName}: component {c.Identifier} sampling {c.HorizontalSampling}x{c.VerticalSampling} against maximum {maxH}x{maxV} is not a whole ratio (libjpeg does not decode that either).");
        }
    }

    /// <summary>
    /// The decoder holds the whole frame; a codestream claiming far more pixels than the header must not make it
    /// allocate gigabytes.
    /// </summary>
    private static void CheckGeometry(JpegFrameInfo frame, int lines, FrameGeometry geometry)
    {
        long claimed = (long)lines * frame.SamplesPerLine;
        long allowed = 4L * geometry.Rows * geometry.Columns + (1L << 16);
        if (claimed > allowed)
            throw new CodecException($"{CodecName}: codestream claims {frame.SamplesPerLine}x{lines} pixels, far more than the header's {geometry.Columns}x{geometry.Rows}.");
    }

    /// <summary>
    /// T.81 B.2.5: a frame header with 0 lines leaves the height to a DNL segment after the first scan. libjpeg
    /// does not support that; the height is simply read from the DNL ahead of decoding.
    /// </summary>
    private static int LinesFromDefineNumberOfLines(ReadOnlySpan<byte> encoded)
    {
        var markers = new JpegMarkerReader(encoded, CodecName);
        markers.ReadStartOfImage();
        while (markers.TryReadMarker(out byte marker))
        {
            if (marker == JpegMarker.EndOfImage) break;
            if (JpegMarker.IsStandalone(marker)) continue;
            ReadOnlySpan<byte> segment = markers.ReadSegment(marker);
            if (marker == JpegMarker.DefineNumberOfLines && segment.Length >= 2)
            {
                int lines = BinaryPrimitives.ReadUInt16BigEndian(segment);
                if (lines > 0) return lines;
            }
            if (marker == JpegMarker.StartOfScan) markers.SkipEntropyCodedData();
        }
        throw new CodecException($"{CodecName}: frame header declares 0 lines and no DNL segment gives the height.");
    }

    /// <summary>
    /// Writes the planes into the frame: grey as is, colour upsampled to full size, converted when YCbCr, and
    /// interleaved. What the codestream lacks (fewer rows, columns or components than the header) stays 0; what
    /// it has beyond the header is dropped.
    /// </summary>
    private static void WriteFrame(ComponentPlane[] planes, JpegFrameInfo frame, int lines, FrameGeometry geometry, bool convert, Span<byte> destination)
    {
        int samplesPerPixel = geometry.SamplesPerPixel;
        int columns = geometry.Columns;
        int rows = Math.Min(lines, geometry.Rows);
        int width = frame.SamplesPerLine;
        int written = Math.Min(width, columns);
        int components = Math.Min(planes.Length, samplesPerPixel);
        if (rows < geometry.Rows || written < columns || components < samplesPerPixel) destination.Clear();

        if (components == 1 && planes[0].HorizontalStep == 1 && planes[0].VerticalStep == 1)
        {
            // Grey (or a single component kept from colour): rows go straight from the plane to the frame.
            for (int y = 0; y < rows; y++)
                WriteComponentRow(planes[0].Row(y).Slice(0, written), 0, y * columns * samplesPerPixel, samplesPerPixel, geometry.BytesPerSample, destination);
            return;
        }

        int[] rowBuffer = ArrayPool<int>.Shared.Rent(width * 3);
        try
        {
            JpegColor.YCbCrTables? tables = convert ? JpegColor.TablesFor(frame.Precision) : null;
            for (int y = 0; y < rows; y++)
            {
                Span<int> first = rowBuffer.AsSpan(0, width);
                Span<int> second = rowBuffer.AsSpan(width, width);
                Span<int> third = rowBuffer.AsSpan(2 * width, width);
                int rowStartSample = y * columns * samplesPerPixel;
                // Up to three components are expanded side by side, converted together, then written.
                int grouped = Math.Min(components, 3);
                for (int c = 0; c < grouped; c++)
                    ChromaUpsampler.ExpandRow(planes[c], y, c == 0 ? first : c == 1 ? second : third);
                tables?.ConvertRow(first, second, third);
                for (int c = 0; c < grouped; c++)
                    WriteComponentRow((c == 0 ? first : c == 1 ? second : third).Slice(0, written), c, rowStartSample, samplesPerPixel, geometry.BytesPerSample, destination);
                if (components == 4)
                {
                    // A fourth component (CMYK or YCCK, not used by DICOM) passes through unconverted.
                    ChromaUpsampler.ExpandRow(planes[3], y, first);
                    WriteComponentRow(first.Slice(0, written), 3, rowStartSample, samplesPerPixel, geometry.BytesPerSample, destination);
                }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(rowBuffer);
        }
    }

    private static void WriteComponentRow<T>(ReadOnlySpan<T> row, int component, int rowStartSample, int samplesPerPixel, int bytesPerSample, Span<byte> destination)
        where T : struct, IBinaryInteger<T>
    {
        if (samplesPerPixel == 1 && bytesPerSample == 2 && BitConverter.IsLittleEndian)
        {
            Span<ushort> grey = MemoryMarshal.Cast<byte, ushort>(destination).Slice(rowStartSample, row.Length);
            for (int x = 0; x < row.Length; x++) grey[x] = ushort.CreateTruncating(row[x]);
            return;
        }
        switch (bytesPerSample)
        {
            case 1:
            {
                Span<byte> target = destination.Slice(rowStartSample);
                for (int x = 0, d = component; x < row.Length; x++, d += samplesPerPixel) target[d] = byte.CreateTruncating(row[x]);
                break;
            }
            case 2:
            {
                Span<ushort> target = MemoryMarshal.Cast<byte, ushort>(destination).Slice(rowStartSample);
                for (int x = 0, d = component; x < row.Length; x++, d += samplesPerPixel)
                {
                    ushort value = ushort.CreateTruncating(row[x]);
                    target[d] = BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value);
                }
                break;
            }
            default:
            {
                Span<uint> target = MemoryMarshal.Cast<byte, uint>(destination).Slice(rowStartSample);
                for (int x = 0, d = component; x < row.Length; x++, d += samplesPerPixel)
                {
                    uint value = uint.CreateTruncating(row[x]);
                    target[d] = BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value);
                }
                break;
            }
        }
    }
}
