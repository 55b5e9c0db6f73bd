using System.Buffers.Binary;

namespace DicomTools.Codecs.Jpeg.Dct;

/// <summary>
/// Decodes every scan of a DCT codestream (SOF0/1/2 Huffman, SOF9/10 arithmetic) into one sample plane per
/// component, as IJG libjpeg does: tables are taken as the markers between scans define them, quantization tables
/// are latched at each component's first scan (<see cref="QuantizationTables"/>), sequential blocks are transformed
/// as they are read, progressive ones once the last scan is in (<see cref="DctOutput"/>). A codestream that ends
/// inside entropy-coded data, with no marker after its last scan, is refused, as DCMTK and GDCM refuse it.
/// </summary>
internal static class DctFrameDecoder
{
    private const string CodecName = "JPEG";

    /// <summary>Decodes the codestream; the caller owns the returned components and must <see cref="DctComponent.Return"/> them.</summary>
    public static DctComponent[] Decode(ReadOnlySpan<byte> encoded, JpegFrameInfo info, int lines)
    {
        bool progressive = info.StartOfFrameMarker is JpegMarker.StartOfFrameProgressive or JpegMarker.StartOfFrameArithmeticProgressive;
        bool arithmetic = info.StartOfFrameMarker is 0xC9 or JpegMarker.StartOfFrameArithmeticProgressive;
        int maxH = 1, maxV = 1;
        foreach (JpegComponentInfo c in info.Components)
        {
            maxH = Math.Max(maxH, c.HorizontalSampling);
            maxV = Math.Max(maxV, c.VerticalSampling);
        }
        int mcusWide = (info.SamplesPerLine + 8 * maxH - 1) / (8 * maxH);
        int mcusHigh = (lines + 8 * maxV - 1) / (8 * maxV);
        var components = new DctComponent[info.Components.Length];
        try
        {
            for (int i = 0; i < components.Length; i++)
                components[i] = new DctComponent(i, info.Components[i], maxH, maxV, mcusWide, mcusHigh, info.SamplesPerLine, lines, progressive);
            var frame = new DctFrame
            {
                Components = components,
                McusWide = mcusWide,
                McusHigh = mcusHigh,
                Precision = info.Precision,
                Progressive = progressive,
                Idct = IntegerInverseDct.For(info.Precision),
            };
            DecodeScans(encoded, info, frame, arithmetic);
            if (progressive) DctOutput.TransformBuffered(frame);
            DctOutput.FillUnscanned(frame);
            return components;
        }
        catch
        {
            foreach (DctComponent? c in components) c?.Return();
            throw;
        }
    }

    private static void DecodeScans(ReadOnlySpan<byte> encoded, JpegFrameInfo info, DctFrame frame, bool arithmetic)
    {
        var quantization = new QuantizationTables(info, CodecName);
        var dcTables = new DctHuffmanTable?[4];
        var acTables = new DctHuffmanTable?[4];
        var conditioning = new ArithmeticConditioning();
        int restartInterval = 0;
        int frames = 0;
        var markers = new JpegMarkerReader(encoded, CodecName);
        markers.ReadStartOfImage();
        while (markers.TryReadMarker(out byte marker))
        {
            if (marker == JpegMarker.EndOfImage) break;
            if (JpegMarker.IsStandalone(marker)) continue;
            int offset = markers.Position - 2;
            ReadOnlySpan<byte> segment = markers.ReadSegment(marker);
            if (JpegMarker.IsStartOfFrame(marker))
            {
                if (++frames > 1)
                    throw markers.Fail(offset, $"second frame header {JpegMarker.Describe(marker)} (hierarchical JPEG is not supported)");
                continue;
            }
            switch (marker)
            {
                case JpegMarker.DefineQuantizationTables:
                    quantization.Define(segment, offset);
                    break;
                case JpegMarker.DefineHuffmanTables:
                    ReadHuffmanTables(segment, dcTables, acTables, ref markers, offset);
                    break;
                case JpegMarker.DefineArithmeticConditioning:
                    ReadConditioning(segment, conditioning, ref markers, offset);
                    break;
                case JpegMarker.DefineRestartInterval:
                    if (segment.Length < 2) throw markers.Fail(offset, "DRI segment is shorter than 2 bytes");
                    restartInterval = BinaryPrimitives.ReadUInt16BigEndian(segment);
                    break;
                case JpegMarker.StartOfScan:
                {
                    if (frames == 0) throw markers.Fail(offset, "scan (SOS) before the frame header");
                    int[] indices = quantization.LatchScan(segment, offset);
                    DctScan scan = ParseScan(segment, indices, frame, quantization, dcTables, acTables, arithmetic, restartInterval, ref markers, offset);
                    int end = arithmetic
                        ? ArithmeticScanDecoder.Decode(encoded, markers.Position, scan, frame, conditioning)
                        : HuffmanScanDecoder.Decode(encoded, markers.Position, scan, frame);
                    markers.Position = Math.Max(end, markers.Position);
                    markers.SkipEntropyCodedData();
                    if (markers.AtEnd)
                        throw new CodecException($"{CodecName}: codestream of {encoded.Length} bytes ends inside the entropy-coded data of the scan at offset {offset} (truncated: no marker or EOI follows).");
                    break;
                }
            }
        }
    }

    private static DctScan ParseScan(ReadOnlySpan<byte> segment, int[] indices, DctFrame frame, QuantizationTables quantization,
        DctHuffmanTable?[] dcTables, DctHuffmanTable?[] acTables, bool arithmetic, int restartInterval, ref JpegMarkerReader markers, int offset)
    {
        int count = segment[0]; // LatchScan has checked the length
        if (count is < 1 or > 4)
            throw markers.Fail(offset, $"SOS declares {count} components (1-4 allowed)");
        var components = new DctComponent[count];
        int blocksPerMcu = 0;
        for (int i = 0; i < count; i++)
        {
            int selector = segment[1 + 2 * i];
            int tables = segment[2 + 2 * i];
            DctComponent c = frame.Components[indices[i]];
            c.Quantization ??= quantization.ComponentTables[indices[i]];
            c.Scanned = true;
            int dc = tables >> 4, ac = tables & 0x0F;
            if (dc > 3 || ac > 3) throw markers.Fail(offset, $"SOS selects table {dc}/{ac} for component {selector} (0-3 allowed)");
            c.DcConditioning = dc;
            c.AcConditioning = ac;
            c.DcTable = dcTables[dc];
            c.AcTable = acTables[ac];
            components[i] = c;
            blocksPerMcu += c.HorizontalSampling * c.VerticalSampling;
        }
        if (count > 1 && blocksPerMcu > 10)
            throw markers.Fail(offset, $"interleaved scan has {blocksPerMcu} blocks per MCU (at most 10 allowed)");
        int at = 1 + 2 * count;
        int ss = segment[at], se = segment[at + 1], ah = segment[at + 2] >> 4, al = segment[at + 2] & 0x0F;
        if (frame.Progressive)
        {
            // T.81 G.1.1.1.1: a DC scan holds the DC term only; an AC scan one component and a band within 1..63.
            bool valid = ss == 0 ? se == 0 : ss <= se && se <= 63 && count == 1;
            if (!valid || al > 13 || (ah != 0 && ah != al + 1))
                throw markers.Fail(offset, $"progressive scan has Ss={ss} Se={se} Ah={ah} Al={al} for {count} component(s), which T.81 G.1.1.1 does not allow");
        }
        else
        {
            // A sequential scan is always the whole band; libjpeg ignores what Ss, Se, Ah and Al say.
            ss = 0;
            se = 63;
            ah = al = 0;
        }
        if (!arithmetic)
        {
            foreach (DctComponent c in components)
            {
                bool needsDc = !frame.Progressive || (ss == 0 && ah == 0);
                bool needsAc = !frame.Progressive || ss > 0;
                if (needsDc && c.DcTable is null) throw markers.Fail(offset, $"component {c.Identifier} uses DC Huffman table {c.DcConditioning}, which no DHT defines");
                if (needsAc && c.AcTable is null) throw markers.Fail(offset, $"component {c.Identifier} uses AC Huffman table {c.AcConditioning}, which no DHT defines");
            }
        }
        return new DctScan
        {
            Components = components,
            SpectralStart = ss,
            SpectralEnd = se,
            ApproximationHigh = ah,
            ApproximationLow = al,
            RestartInterval = restartInterval,
            Progressive = frame.Progressive,
            Offset = offset,
        };
    }

    private static void ReadHuffmanTables(ReadOnlySpan<byte> segment, DctHuffmanTable?[] dcTables, DctHuffmanTable?[] acTables, ref JpegMarkerReader markers, int offset)
    {
        while (!segment.IsEmpty)
        {
            if (segment.Length < 17) throw markers.Fail(offset, "DHT segment ends inside a table's code-length counts");
            int tableClass = segment[0] >> 4, tableId = segment[0] & 0x0F;
            if (tableClass > 1 || tableId > 3)
                throw markers.Fail(offset, $"DHT defines table class {tableClass} id {tableId} (class 0-1, id 0-3 allowed)");
            ReadOnlySpan<byte> counts = segment.Slice(1, 16);
            int total = 0;
            foreach (byte count in counts) total += count;
            if (total > 256 || segment.Length < 17 + total)
                throw markers.Fail(offset, $"DHT table declares {total} symbols but the segment holds {segment.Length - 17}");
            CodecException FailTable(string what) => new($"{CodecName}: {what} (DHT at offset {offset}).");
            DctHuffmanTable table = DctHuffmanTable.Cached(segment.Slice(1, 16 + total), tableClass == 1, FailTable);
            (tableClass == 0 ? dcTables : acTables)[tableId] = table;
            segment = segment.Slice(17 + total);
        }
    }

    private static void ReadConditioning(ReadOnlySpan<byte> segment, ArithmeticConditioning conditioning, ref JpegMarkerReader markers, int offset)
    {
        for (; segment.Length >= 2; segment = segment.Slice(2))
        {
            int tableClass = segment[0] >> 4, tableId = segment[0] & 0x0F, value = segment[1];
            if (tableClass > 1 || tableId > 3)
                throw markers.Fail(offset, $"DAC sets conditioning class {tableClass} table {tableId} (class 0-1, table 0-3 allowed)");
            if (tableClass == 0)
            {
                int lower = value & 0x0F, upper = value >> 4;
                if (lower > upper) throw markers.Fail(offset, $"DAC sets DC bounds L={lower} above U={upper}");
                conditioning.DcL[tableId] = lower;
                conditioning.DcU[tableId] = upper;
            }
            else
            {
                if (value is < 1 or > 63) throw markers.Fail(offset, $"DAC sets AC split Kx={value} (1-63 allowed)");
                conditioning.AcK[tableId] = value;
            }
        }
    }
}
