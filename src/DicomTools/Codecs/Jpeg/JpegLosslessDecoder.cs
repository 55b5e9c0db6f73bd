using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using DicomTools.Dicom;

namespace DicomTools.Codecs.Jpeg;

/// <summary>
/// JPEG Lossless, process 14 (SOF3, Huffman coded), per ITU-T T.81 Annex H: transfer syntaxes
/// JPEG Lossless (any selection value) and JPEG Lossless SV1 (selection value 1). Bit-exact: predictors 1-7, precision
/// 2-16, point transform, 1-4 components in interleaved or separate scans, restart intervals, and the modulo 2^16
/// difference arithmetic of H.2. The samples are written components interleaved, shifted left by the point
/// transform, in Bits Allocated width little endian; the codestream's own bit pattern is kept, so the header's
/// Bits Stored and Pixel Representation decide afterwards how it is read. Colour is never converted (lossless
/// JPEG carries the samples as they were given to the encoder), so the header's Photometric Interpretation is
/// returned. A codestream that turns out to be DCT-based (a mislabelled transfer syntax) is handed to
/// <see cref="JpegDctDecoder"/>.
/// </summary>
internal sealed class JpegLosslessDecoder : IFrameDecoder
{
    private const string CodecName = "JPEG Lossless";

    public string Name => CodecName;

    /// <summary>Process 14 (any selection value) and its first-order prediction subset; arithmetic-coded process 15
    /// is not supported.</summary>
    public IReadOnlyList<TransferSyntax> TransferSyntaxes { get; } = new[] { TransferSyntax.JpegLossless, TransferSyntax.JpegLosslessSV1 };

    public bool IsFrameStart(ReadOnlySpan<byte> head) => JpegDecoders.StartsWithSoi(head);

    public string Decode(ReadOnlySpan<byte> encoded, FrameGeometry geometry, Span<byte> destination)
    {
        JpegOutput.Validate(geometry, CodecName);
        var markers = new JpegMarkerReader(encoded, CodecName);
        markers.ReadStartOfImage();

        var tables = new LosslessHuffmanTable?[4];
        int restartInterval = 0;
        LosslessFrame? frame = null;
        while (markers.TryReadMarker(out byte marker))
        {
            if (marker == JpegMarker.EndOfImage) break;
            if (JpegMarker.IsStandalone(marker)) continue; // a stray RSTn or SOI between segments carries nothing
            int segmentOffset = markers.Position;
            if (JpegMarker.IsStartOfFrame(marker))
            {
                if (marker != JpegMarker.StartOfFrameLossless)
                {
                    if (frame is null && JpegDctDecoder.Handles(marker))
                        return JpegDecoders.Dct.Decode(encoded, geometry, destination);
                    throw markers.Fail(segmentOffset - 2, $"{JpegMarker.Describe(marker)} frame is not Huffman-coded non-hierarchical lossless JPEG (SOF3)");
                }
                if (frame is not null)
                    throw markers.Fail(segmentOffset - 2, "second frame header (hierarchical JPEG is not supported)");
                frame = LosslessFrame.Parse(markers.ReadSegment(marker), ref markers, segmentOffset, geometry);
                if (!frame.CoversDestinationExactly(geometry)) destination.Clear();
                continue;
            }
            switch (marker)
            {
                case JpegMarker.DefineHuffmanTables:
                    ReadHuffmanTables(markers.ReadSegment(marker), tables, ref markers, segmentOffset);
                    break;
                case JpegMarker.DefineRestartInterval:
                    ReadOnlySpan<byte> dri = markers.ReadSegment(marker);
                    if (dri.Length < 2) throw markers.Fail(segmentOffset, "DRI segment is shorter than 2 bytes");
                    restartInterval = BinaryPrimitives.ReadUInt16BigEndian(dri);
                    break;
                case JpegMarker.StartOfScan:
                    if (frame is null) throw markers.Fail(segmentOffset - 2, "scan (SOS) before the frame header (SOF3)");
                    ReadOnlySpan<byte> sos = markers.ReadSegment(marker);
                    var scan = ScanContext.Parse(sos, frame, tables, restartInterval, ref markers, segmentOffset, geometry);
                    var bits = new LosslessBitReader(encoded, markers.Position);
                    DecodeScan(ref bits, scan, geometry, destination);
                    markers.Position = bits.Position;
                    markers.SkipEntropyCodedData();
                    foreach (int component in scan.FrameComponents) frame.Decoded[component] = true;
                    break;
                default:
                    markers.ReadSegment(marker); // APPn, COM, DQT, DNL (the header's Rows stand in for it), ...
                    break;
            }
        }

        if (frame is null)
            throw new CodecException($"{CodecName}: no frame header (SOF3) in {encoded.Length} bytes of codestream.");
        for (int i = 0; i < frame.Info.Components.Length; i++)
        {
            if (!frame.Decoded[i])
                throw new CodecException($"{CodecName}: component {frame.Info.Components[i].Identifier} of the frame has no scan (codestream of {encoded.Length} bytes ends early).");
        }
        return geometry.PhotometricInterpretation;
    }

    private static void ReadHuffmanTables(ReadOnlySpan<byte> segment, LosslessHuffmanTable?[] tables, ref JpegMarkerReader markers, int offset)
    {
        while (!segment.IsEmpty)
        {
            if (segment.Length < 17) throw markers.Fail(offset, "DHT segment ends inside a table's code-length counts");
            int tableClass = segment[0] >> 4;
            int tableId = segment[0] & 0x0F;
            if (tableClass > 1 || tableId > 3)
                throw markers.Fail(offset, $"DHT defines table class {tableClass} id {tableId} (class 0-1, id 0-3 allowed)");
            ReadOnlySpan<byte> counts = segment.Slice(1, 16);
            int total = 0;
            foreach (byte count in counts) total += count;
            if (segment.Length < 17 + total) throw markers.Fail(offset, $"DHT table declares {total} symbols but the segment ends first");
            if (tableClass == 0)
            {
                // Lossless scans use only the DC-class tables (T.81 H.1.1); AC tables are skipped.
                CodecException FailTable(string what) => new($"{CodecName}: {what} (DHT at offset {offset}).");
                tables[tableId] = LosslessHuffmanTable.Build(counts, segment.Slice(17, total), FailTable);
            }
            segment = segment.Slice(17 + total);
        }
    }

    private static void DecodeScan(ref LosslessBitReader bits, ScanContext scan, FrameGeometry geometry, Span<byte> destination)
    {
        switch (scan.Predictor)
        {
            case 1: DecodeRows<PredictLeft>(ref bits, scan, geometry, destination); break;
            case 2: DecodeRows<PredictAbove>(ref bits, scan, geometry, destination); break;
            case 3: DecodeRows<PredictAboveLeft>(ref bits, scan, geometry, destination); break;
            case 4: DecodeRows<PredictPlane>(ref bits, scan, geometry, destination); break;
            case 5: DecodeRows<PredictLeftPlusHalfGradient>(ref bits, scan, geometry, destination); break;
            case 6: DecodeRows<PredictAbovePlusHalfGradient>(ref bits, scan, geometry, destination); break;
            default: DecodeRows<PredictAverage>(ref bits, scan, geometry, destination); break;
        }
    }

    /// <summary>
    /// Decodes the scan row by row into two alternating row buffers (the predictors look one row up at most) and
    /// writes each finished row out, so memory stays two rows whatever the image size. Prediction rules of
    /// T.81 H.1.2.1: the first row of the scan and of every restart interval predicts from the left (Ra), its
    /// first sample from 2^(P-Pt-1); the first sample of any other row predicts from above (Rb). Restart
    /// intervals are whole rows (checked by <see cref="ScanContext.Parse"/>), so a restart marker can only come
    /// before a row.
    /// </summary>
    // A single frame is often all there is to decode, so the loop must not start in unoptimized tier-0 code. It is
    // precompiled (ReadyToRun, already optimized) for PowerShell 7.6; no AggressiveOptimization, which would keep the
    // method out of the image and leave it to the JIT at every start. On .NET 8 and 9, which ignore the precompiled
    // code, on-stack replacement moves the running loop to optimized code.
    private static void DecodeRows<TPredictor>(ref LosslessBitReader bits, ScanContext scan, FrameGeometry geometry, Span<byte> destination)
        where TPredictor : struct, ILosslessPredictor
    {
        int stride = scan.ComponentCount;
        int width = scan.Width;
        int rowLength = width * stride;
        int[] buffer = ArrayPool<int>.Shared.Rent(2 * rowLength);
        try
        {
            Span<int> evenRow = buffer.AsSpan(0, rowLength);
            Span<int> oddRow = buffer.AsSpan(rowLength, rowLength);
            int initialPrediction = 1 << (scan.Precision - scan.PointTransform - 1);
            int rowsPerInterval = scan.RestartInterval / width; // 0 without restarts
            LosslessHuffmanTable[] tables = scan.Tables;

            for (int y = 0; y < scan.RowsToDecode; y++)
            {
                Span<int> current = (y & 1) == 0 ? evenRow : oddRow;
                Span<int> previous = (y & 1) == 0 ? oddRow : evenRow;
                bool firstRowOfInterval = y == 0;
                if (rowsPerInterval > 0 && y > 0 && y % rowsPerInterval == 0)
                {
                    ReadRestartMarker(ref bits, y);
                    firstRowOfInterval = true;
                }

                // The first MCU of a row has no left neighbour to predict from.
                for (int k = 0; k < stride; k++)
                {
                    int prediction = firstRowOfInterval ? initialPrediction : previous[k];
                    current[k] = (prediction + bits.DecodeDifference(tables[k])) & 0xFFFF;
                }
                if (firstRowOfInterval)
                    DecodeRun<PredictLeft>(ref bits, tables, current, current, stride, 1, width);
                else
                    DecodeRun<TPredictor>(ref bits, tables, current, previous, stride, 1, width);
                if (bits.ConsumedPadding)
                    throw new CodecException($"{CodecName}: entropy-coded data ends (at a marker or the end of the codestream) before row {y} of {scan.RowsToDecode} is complete.");
                WriteRow(current, y, scan, geometry, destination);
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The hot loop: MCUs <paramref name="start"/> to <paramref name="end"/> (exclusive) of one row, each
    /// predicted by <typeparamref name="TPredictor"/> and corrected by one decoded difference, modulo 2^16.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DecodeRun<TPredictor>(ref LosslessBitReader bits, LosslessHuffmanTable[] tables,
        Span<int> current, Span<int> previous, int stride, int start, int end)
        where TPredictor : struct, ILosslessPredictor
    {
        if (start >= end) return;
        Debug.Assert(start >= 1 && end * stride <= current.Length && end * stride <= previous.Length);
        // Unchecked element access: start >= 1 and end <= width are guaranteed by DecodeRows, and both rows hold
        // width * stride samples.
        ref int currentRef = ref MemoryMarshal.GetReference(current);
        ref int previousRef = ref MemoryMarshal.GetReference(previous);
        ulong buffer = bits.Bits;
        int bitCount = bits.BitCount;
        if (stride == 1)
        {
            LosslessHuffmanTable table = tables[0];
            int ra = Unsafe.Add(ref currentRef, start - 1);
            int rc = Unsafe.Add(ref previousRef, start - 1);
            for (int x = start; x < end; x++)
            {
                int rb = Unsafe.Add(ref previousRef, x);
                int difference = LosslessBitReader.DecodeDifference(ref bits, table, ref buffer, ref bitCount);
                int value = (TPredictor.Predict(ra, rb, rc) + difference) & 0xFFFF;
                Unsafe.Add(ref currentRef, x) = value;
                ra = value;
                rc = rb;
            }
        }
        else if (stride == 3)
        {
            // Interleaved colour, the usual lossless RGB: the three components' neighbours stay in registers.
            LosslessHuffmanTable table0 = tables[0], table1 = tables[1], table2 = tables[2];
            int index = start * 3;
            int ra0 = Unsafe.Add(ref currentRef, index - 3), rc0 = Unsafe.Add(ref previousRef, index - 3);
            int ra1 = Unsafe.Add(ref currentRef, index - 2), rc1 = Unsafe.Add(ref previousRef, index - 2);
            int ra2 = Unsafe.Add(ref currentRef, index - 1), rc2 = Unsafe.Add(ref previousRef, index - 1);
            for (int x = start; x < end; x++, index += 3)
            {
                int rb0 = Unsafe.Add(ref previousRef, index);
                ra0 = (TPredictor.Predict(ra0, rb0, rc0) + LosslessBitReader.DecodeDifference(ref bits, table0, ref buffer, ref bitCount)) & 0xFFFF;
                Unsafe.Add(ref currentRef, index) = ra0;
                rc0 = rb0;
                int rb1 = Unsafe.Add(ref previousRef, index + 1);
                ra1 = (TPredictor.Predict(ra1, rb1, rc1) + LosslessBitReader.DecodeDifference(ref bits, table1, ref buffer, ref bitCount)) & 0xFFFF;
                Unsafe.Add(ref currentRef, index + 1) = ra1;
                rc1 = rb1;
                int rb2 = Unsafe.Add(ref previousRef, index + 2);
                ra2 = (TPredictor.Predict(ra2, rb2, rc2) + LosslessBitReader.DecodeDifference(ref bits, table2, ref buffer, ref bitCount)) & 0xFFFF;
                Unsafe.Add(ref currentRef, index + 2) = ra2;
                rc2 = rb2;
            }
        }
        else
        {
            for (int x = start; x < end; x++)
            {
                int index = x * stride;
                for (int k = 0; k < stride; k++, index++)
                {
                    int ra = Unsafe.Add(ref currentRef, index - stride);
                    int rb = Unsafe.Add(ref previousRef, index);
                    int rc = Unsafe.Add(ref previousRef, index - stride);
                    int difference = LosslessBitReader.DecodeDifference(ref bits, tables[k], ref buffer, ref bitCount);
                    Unsafe.Add(ref currentRef, index) = (TPredictor.Predict(ra, rb, rc) + difference) & 0xFFFF;
                }
            }
        }
        bits.SetBits(buffer, bitCount);
    }

    private static void ReadRestartMarker(ref LosslessBitReader bits, int row)
    {
        if (bits.ConsumedPadding)
            throw new CodecException($"{CodecName}: entropy-coded data of the restart interval before row {row} ends early.");
        if (!bits.TrySkipRestartMarker(out byte found))
            throw new CodecException($"{CodecName}: expected a restart marker (RSTn) before row {row}, found {(found == 0 ? "the end of the data" : JpegMarker.Describe(found))} at offset {bits.Position}.");
    }

    /// <summary>
    /// Writes one decoded row into the frame: each scan component to its sample slot, shifted back by the point
    /// transform, clipped to the header's columns and written Bits Allocated wide.
    /// </summary>
    private static void WriteRow(ReadOnlySpan<int> row, int y, ScanContext scan, FrameGeometry geometry, Span<byte> destination)
    {
        int samplesPerPixel = geometry.SamplesPerPixel;
        int columns = Math.Min(scan.Width, geometry.Columns);
        int stride = scan.ComponentCount;
        int shift = scan.PointTransform;
        int rowStartSample = y * geometry.Columns * samplesPerPixel;
        if (stride == 1 && samplesPerPixel == 1 && geometry.BytesPerSample == 2 && BitConverter.IsLittleEndian)
        {
            // Grey 16-bit, by far the most common lossless frame: a plain narrowing copy.
            Span<ushort> grey = MemoryMarshal.Cast<byte, ushort>(destination).Slice(rowStartSample, columns);
            ReadOnlySpan<int> source = row.Slice(0, columns);
            for (int x = 0; x < grey.Length; x++) grey[x] = (ushort)(source[x] << shift);
            return;
        }
        if (shift == 0 && samplesPerPixel == stride && geometry.BytesPerSample == 1 && scan.ComponentsInFrameOrder)
        {
            // The row already has the frame's interleaving (all components in one scan, in order): one copy.
            Span<byte> target = destination.Slice(rowStartSample, columns * stride);
            ReadOnlySpan<int> source = row.Slice(0, target.Length);
            for (int i = 0; i < target.Length; i++) target[i] = (byte)source[i];
            return;
        }
        for (int k = 0; k < stride; k++)
        {
            int component = scan.FrameComponents[k];
            if (component >= samplesPerPixel) continue; // the header has fewer samples per pixel than the frame
            switch (geometry.BytesPerSample)
            {
                case 1:
                {
                    Span<byte> target = destination.Slice(rowStartSample);
                    for (int x = 0, s = k, d = component; x < columns; x++, s += stride, d += samplesPerPixel)
                        target[d] = (byte)(row[s] << shift);
                    break;
                }
                case 2:
                {
                    Span<ushort> target = MemoryMarshal.Cast<byte, ushort>(destination).Slice(rowStartSample);
                    for (int x = 0, s = k, d = component; x < columns; x++, s += stride, d += samplesPerPixel)
                    {
                        ushort value = (ushort)(row[s] << shift);
                        target[d] = BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value);
                    }
                    break;
                }
                default:
                {
                    Span<uint> target = MemoryMarshal.Cast<byte, uint>(destination).Slice(rowStartSample);
                    for (int x = 0, s = k, d = component; x < columns; x++, s += stride, d += samplesPerPixel)
                    {
                        uint value = (uint)(row[s] << shift) & 0xFFFF;
                        target[d] = BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value);
                    }
                    break;
                }
            }
        }
    }

    /// <summary>The frame header of a lossless codestream and which of its components a scan has filled.</summary>
    private sealed class LosslessFrame
    {
        public required JpegFrameInfo Info { get; init; }
        public required int Lines { get; init; }
        public required int MaxHorizontalSampling { get; init; }
        public required int MaxVerticalSampling { get; init; }
        public required bool[] Decoded { get; init; }

        public static LosslessFrame Parse(ReadOnlySpan<byte> segment, ref JpegMarkerReader markers, int offset, FrameGeometry geometry)
        {
            JpegFrameInfo info = JpegFrameInfo.ParseFrameHeader(JpegMarker.StartOfFrameLossless, segment, ref markers, offset);
            if (info.Precision < 2 || info.Precision > 16)
                throw markers.Fail(offset, $"SOF3 sample precision {info.Precision} is outside 2-16");
            if (info.SamplesPerLine == 0)
                throw markers.Fail(offset, "SOF3 declares 0 samples per line");
            if (info.Components.Length > 4)
                throw markers.Fail(offset, $"SOF3 declares {info.Components.Length} components (at most 4 supported)");
            int maxH = 1, maxV = 1;
            foreach (JpegComponentInfo component in info.Components)
            {
                if (component.HorizontalSampling is < 1 or > 4 || component.VerticalSampling is < 1 or > 4)
                    throw markers.Fail(offset, $"component {component.Identifier} has sampling factors {component.HorizontalSampling}x{component.VerticalSampling} (1-4 allowed)");
                maxH = Math.Max(maxH, component.HorizontalSampling);
                maxV = Math.Max(maxV, component.VerticalSampling);
            }
            return new LosslessFrame
            {
                Info = info,
                // Lines 0 means a DNL marker gives the height after the first scan; the header's Rows serve instead.
                Lines = info.Lines == 0 ? geometry.Rows : info.Lines,
                MaxHorizontalSampling = maxH,
                MaxVerticalSampling = maxV,
                Decoded = new bool[info.Components.Length],
            };
        }

        public bool CoversDestinationExactly(FrameGeometry geometry) =>
            Lines >= geometry.Rows && Info.SamplesPerLine >= geometry.Columns && Info.Components.Length >= geometry.SamplesPerPixel;
    }

    /// <summary>What one SOS header asks for, checked against the frame.</summary>
    private sealed class ScanContext
    {
        public required int[] FrameComponents { get; init; }
        public required LosslessHuffmanTable[] Tables { get; init; }
        public required int Predictor { get; init; }
        public required int PointTransform { get; init; }
        public required int Precision { get; init; }
        public required int Width { get; init; }
        public required int RowsToDecode { get; init; }
        public required int RestartInterval { get; init; }

        public int ComponentCount => FrameComponents.Length;

        /// <summary>The scan holds components 0, 1, 2... of the frame in that order.</summary>
        public bool ComponentsInFrameOrder
        {
            get
            {
                for (int k = 0; k < FrameComponents.Length; k++)
                {
                    if (FrameComponents[k] != k) return false;
                }
                return true;
            }
        }

        public static ScanContext Parse(ReadOnlySpan<byte> sos, LosslessFrame frame, LosslessHuffmanTable?[] tables, int restartInterval,
            ref JpegMarkerReader markers, int offset, FrameGeometry geometry)
        {
            if (sos.Length < 1) throw markers.Fail(offset, "SOS segment is empty");
            int count = sos[0];
            if (count < 1 || count > 4) throw markers.Fail(offset, $"SOS names {count} components (1-4 allowed)");
            if (sos.Length < 1 + 2 * count + 3) throw markers.Fail(offset, $"SOS segment of {sos.Length} bytes is too short for {count} components");
            JpegComponentInfo[] frameComponents = frame.Info.Components;
            var componentIndexes = new int[count];
            var scanTables = new LosslessHuffmanTable[count];
            for (int k = 0; k < count; k++)
            {
                int selector = sos[1 + 2 * k];
                int tableId = sos[2 + 2 * k] >> 4;
                int index = Array.FindIndex(frameComponents, c => c.Identifier == selector);
                if (index < 0) throw markers.Fail(offset, $"SOS names component {selector}, which the frame header does not define");
                if (Array.IndexOf(componentIndexes, index, 0, k) >= 0) throw markers.Fail(offset, $"SOS names component {selector} twice");
                if (tableId > 3 || tables[tableId] is null) throw markers.Fail(offset, $"SOS uses Huffman table {tableId} for component {selector}, which no DHT defined");
                JpegComponentInfo component = frameComponents[index];
                bool fullSize = component.HorizontalSampling == frame.MaxHorizontalSampling && component.VerticalSampling == frame.MaxVerticalSampling;
                if (count > 1 ? component.HorizontalSampling != 1 || component.VerticalSampling != 1 : !fullSize && frameComponents.Length > 1)
                    throw markers.Fail(offset, $"component {selector} is subsampled ({component.HorizontalSampling}x{component.VerticalSampling}); subsampled lossless JPEG is not supported");
                componentIndexes[k] = index;
                scanTables[k] = tables[tableId]!;
            }
            int predictor = sos[1 + 2 * count];
            int pointTransform = sos[3 + 2 * count] & 0x0F;
            if (predictor < 1 || predictor > 7)
                throw markers.Fail(offset, $"SOS selects predictor {predictor} (1-7 for lossless process 14)");
            if (pointTransform >= frame.Info.Precision)
                throw markers.Fail(offset, $"SOS point transform {pointTransform} is not below the precision {frame.Info.Precision}");
            // T.81 H.1.1 (and libjpeg, hence DCMTK): a lossless restart interval is a whole number of MCU rows.
            // A row has SamplesPerLine MCUs in both interleaved and single-component scans, as subsampled
            // components are refused above.
            if (restartInterval % frame.Info.SamplesPerLine != 0)
                throw markers.Fail(offset, $"restart interval {restartInterval} is not a multiple of the {frame.Info.SamplesPerLine} MCUs in a row");
            return new ScanContext
            {
                FrameComponents = componentIndexes,
                Tables = scanTables,
                Predictor = predictor,
                PointTransform = pointTransform,
                Precision = frame.Info.Precision,
                Width = frame.Info.SamplesPerLine,
                // Rows past the header's are never written, so they need not be decoded either.
                RowsToDecode = Math.Min(frame.Lines, geometry.Rows),
                RestartInterval = restartInterval,
            };
        }
    }
}
