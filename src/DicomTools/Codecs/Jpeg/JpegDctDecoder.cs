using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using DicomTools.Dicom;
using JpegLibrary;

namespace DicomTools.Codecs.Jpeg;

/// <summary>
/// DCT-based JPEG: baseline 8-bit, extended 12-bit and the retired spectral-selection and full-progression
/// syntaxes, and their arithmetic-coded variants (<see cref="TransferSyntaxes"/>), decoded to the same samples as IJG libjpeg's defaults (DCMTK dcmdjpeg, GDCM, PIL).
/// JpegLibrary (managed, MIT) does the entropy decoding, which is where the syntaxes differ; its own floating-point
/// inverse DCT differs from libjpeg's by a level or two, so only its coefficients are used. Progressive frames
/// keep them in a buffer that is read before JpegLibrary transforms it (<see cref="CoefficientCapturingDecoder"/>);
/// for sequential frames, which it transforms block by block, it is handed a copy of the codestream whose
/// quantization tables are a uniform probe step, and the exact coefficients are recovered from its output
/// (<see cref="CoefficientRecovery"/>). Each block is then dequantized with the real table libjpeg would use
/// (<see cref="QuantizationTables"/>) and transformed by libjpeg's integer inverse DCT
/// (<see cref="IntegerInverseDct"/>). Each component stays at its own resolution; subsampled chroma is upsampled as
/// libjpeg does (<see cref="ChromaUpsampler"/>) and YCbCr converted to RGB with its integer tables when the
/// codestream holds YCbCr (<see cref="JpegColor.HoldsYCbCr"/>). Samples are written in Bits Allocated width,
/// little endian; 12-bit samples keep their 12 bits in a 16-bit container. Returns "RGB" for a 3-component
/// colour frame (whether converted here or stored as RGB), otherwise the header's Photometric Interpretation.
/// A lossless (SOF3) codestream is handed to <see cref="JpegLosslessDecoder"/>: JpegLibrary's lossless
/// predictors 2, 3, 6 and 7 are wrong.
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

    /// <summary>SOF markers whose codestreams JpegLibrary decodes: sequential and progressive, Huffman or arithmetic.</summary>
    internal static bool Handles(byte startOfFrame) => startOfFrame is 0xC0 or 0xC1 or 0xC2 or 0xC9 or 0xCA;

    public string Decode(ReadOnlySpan<byte> encoded, FrameGeometry geometry, Span<byte> destination)
    {
        JpegOutput.Validate(geometry, CodecName);
        JpegFrameInfo frame = JpegFrameInfo.Read(encoded, CodecName);
        if (frame.IsLossless) return JpegDecoders.Lossless.Decode(encoded, geometry, destination);
        CheckSupported(frame, geometry);

        ComponentPlane[] planes = DecodePlanes(encoded, frame);
        try
        {
            bool convert = geometry.SamplesPerPixel == 3 && JpegColor.HoldsYCbCr(frame, geometry.PhotometricInterpretation);
            WriteFrame(planes, frame, geometry, convert, destination);
            return geometry.SamplesPerPixel == 3 && frame.Components.Length == 3 ? "RGB" : geometry.PhotometricInterpretation;
        }
        finally
        {
            foreach (ComponentPlane plane in planes) ArrayPool<short>.Shared.Return(plane.Samples);
        }
    }

    private static void CheckSupported(JpegFrameInfo frame, FrameGeometry geometry)
    {
        string sof = JpegMarker.Describe(frame.StartOfFrameMarker);
        if (!Handles(frame.StartOfFrameMarker))
            throw new CodecException($"{CodecName}: {sof} frames (hierarchical, differential or arithmetic lossless JPEG) are not supported.");
        if (frame.Precision != 8 && frame.Precision != 12)
            throw new CodecException($"{CodecName}: {sof} sample precision {frame.Precision} (DCT JPEG has 8 or 12).");
        if (frame.Lines == 0 || frame.SamplesPerLine == 0)
            throw new CodecException($"{CodecName}: {sof} declares a {frame.SamplesPerLine}x{frame.Lines} image (a height given later by DNL is not supported).");
        if (frame.Components.Length > 4)
            throw new CodecException($"{CodecName}: {sof} declares {frame.Components.Length} components (at most 4 supported).");
        // The decoder holds the whole frame; a codestream claiming far more pixels than the header must not
        // make it allocate gigabytes.
        long claimed = (long)frame.Lines * frame.SamplesPerLine;
        long allowed = 4L * geometry.Rows * geometry.Columns + (1L << 16);
        if (claimed > allowed)
            throw new CodecException($"{CodecName}: codestream claims {frame.SamplesPerLine}x{frame.Lines} pixels, far more than the header's {geometry.Columns}x{geometry.Rows}.");
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
            // JpegLibrary expands a subsampled block by a power-of-two shift; other ratios (3:1, 4:3) it gets wrong.
            if (!IsPowerOfTwoRatio(maxH, c.HorizontalSampling) || !IsPowerOfTwoRatio(maxV, c.VerticalSampling))
                throw new CodecException($"{CodecName}: component {c.Identifier} sampling {c.HorizontalSampling}x{c.VerticalSampling} against maximum {maxH}x{maxV} is not a power-of-two ratio (not supported).");
        }
    }

    private static bool IsPowerOfTwoRatio(int max, int factor) => max % factor == 0 && int.IsPow2(max / factor);

    /// <summary>
    /// Walks all markers of the codestream copy before JpegLibrary sees it: reads the quantization tables and
    /// latches them per component as libjpeg does, and puts <paramref name="probeStep"/> in their place unless it
    /// is null (see <see cref="CoefficientRecovery"/>). A truncated codestream ends inside entropy-coded data, with
    /// no marker after the last scan: JpegLibrary would pad the missing bits and may return a partly blank image
    /// without complaint, while DCMTK and GDCM refuse such a frame, and so do we. A second frame header (only
    /// hierarchical JPEG has one) is refused too: JpegLibrary would start over with the new header's size, which
    /// nothing has checked against the DICOM header.
    /// </summary>
    private static QuantizationTables PrepareCodestream(Span<byte> codestream, JpegFrameInfo frame, int? probeStep)
    {
        var tables = new QuantizationTables(frame, CodecName);
        var markers = new JpegMarkerReader(codestream, CodecName);
        markers.ReadStartOfImage();
        int frames = 0;
        while (markers.TryReadMarker(out byte marker))
        {
            if (marker == JpegMarker.EndOfImage) break;
            if (JpegMarker.IsStandalone(marker)) continue;
            int offset = markers.Position;
            ReadOnlySpan<byte> segment = markers.ReadSegment(marker);
            if (JpegMarker.IsStartOfFrame(marker) && ++frames > 1)
                throw new CodecException($"{CodecName}: second frame header {JpegMarker.Describe(marker)} at offset {offset - 2} (hierarchical JPEG is not supported).");
            if (marker == JpegMarker.DefineQuantizationTables)
                tables.Define(codestream.Slice(offset + 2, segment.Length), probeStep, offset - 2);
            if (marker != JpegMarker.StartOfScan) continue;
            tables.LatchScan(segment, offset - 2);
            markers.SkipEntropyCodedData();
            if (markers.AtEnd)
                throw new CodecException($"{CodecName}: codestream of {codestream.Length} bytes ends inside the entropy-coded data of the scan at offset {offset - 2} (truncated: no marker or EOI follows).");
        }
        return tables;
    }

    private static ComponentPlane[] DecodePlanes(ReadOnlySpan<byte> encoded, JpegFrameInfo frame)
    {
        CoefficientRecovery recovery = CoefficientRecovery.For(frame.Precision);
        bool progressive = frame.StartOfFrameMarker is JpegMarker.StartOfFrameProgressive or JpegMarker.StartOfFrameArithmeticProgressive;
        byte[] input = ArrayPool<byte>.Shared.Rent(encoded.Length);
        ComponentPlane[]? planes = null, coarse = null;
        try
        {
            Span<byte> codestream = input.AsSpan(0, encoded.Length);
            encoded.CopyTo(codestream);
            if (progressive)
            {
                // The coefficients are read from JpegLibrary's buffer (CoefficientCapturingDecoder); planes start
                // as all-zero coefficients, as libjpeg's buffer does.
                QuantizationTables latched = PrepareCodestream(codestream, frame, null);
                planes = AllocatePlanes(frame, 0);
                using var decoder = new CoefficientCapturingDecoder(planes);
                decoder.SetInput(new ReadOnlyMemory<byte>(input, 0, encoded.Length));
                decoder.Decode();
                if (!decoder.Captured && latched.ComponentTables.Any(t => t is not null))
                    throw new CodecException($"{CodecName}: {JpegMarker.Describe(frame.StartOfFrameMarker)} codestream has scans but JpegLibrary kept no coefficient buffer to read them from.");
                TransformCoefficientPlanes(planes, latched, frame.Precision);
                return planes;
            }

            QuantizationTables tables = PrepareCodestream(codestream, frame, recovery.ProbeStep);
            planes = AllocatePlanes(frame, (short)recovery.LevelShift);
            RunJpegLibrary(input, encoded.Length, planes);
            List<(int Plane, int Offset)>? unrecovered = TransformPlanes(planes, null, tables, frame.Precision, null);
            if (unrecovered is not null)
            {
                // Some blocks overshoot the 16 bits JpegLibrary's output has (see CoefficientRecovery): decode again
                // at step 1, which cannot, to learn how far each of their samples wrapped. (The tables this walk
                // reads are the probe's, and unused.)
                PrepareCodestream(codestream, frame, 1);
                coarse = AllocatePlanes(frame, (short)recovery.LevelShift);
                RunJpegLibrary(input, encoded.Length, coarse);
                TransformPlanes(planes, coarse, tables, frame.Precision, unrecovered);
            }
            return planes;
        }
        catch (Exception ex) when (ex is not CodecException && ex is not OutOfMemoryException)
        {
            ReturnPlanes(planes);
            throw new CodecException($"{CodecName}: {JpegMarker.Describe(frame.StartOfFrameMarker)} codestream of {encoded.Length} bytes could not be decoded: {ex.Message}", ex);
        }
        catch
        {
            ReturnPlanes(planes);
            throw;
        }
        finally
        {
            ReturnPlanes(coarse);
            ArrayPool<byte>.Shared.Return(input);
        }
    }

    /// <summary>
    /// One plane per component. T.81 A.1.1: a component is ceil(X * Hi / Hmax) by ceil(Y * Vi / Vmax) samples; the
    /// plane holds whole blocks around it, as JpegLibrary's output and our transform work block by block. It starts
    /// filled with <paramref name="zero"/>, what all-zero coefficients read as (the level shift for probe output):
    /// a block JpegLibrary never delivers then decodes as it does from libjpeg's zeroed coefficient buffer.
    /// </summary>
    private static ComponentPlane[] AllocatePlanes(JpegFrameInfo frame, short zero)
    {
        int maxH = 1, maxV = 1;
        foreach (JpegComponentInfo c in frame.Components)
        {
            maxH = Math.Max(maxH, c.HorizontalSampling);
            maxV = Math.Max(maxV, c.VerticalSampling);
        }
        var planes = new ComponentPlane[frame.Components.Length];
        for (int i = 0; i < planes.Length; i++)
        {
            JpegComponentInfo c = frame.Components[i];
            int width = (frame.SamplesPerLine * c.HorizontalSampling + maxH - 1) / maxH;
            int height = (frame.Lines * c.VerticalSampling + maxV - 1) / maxV;
            int stride = (width + 7) & ~7;
            int paddedHeight = (height + 7) & ~7;
            short[] samples = ArrayPool<short>.Shared.Rent(stride * paddedHeight);
            samples.AsSpan(0, stride * paddedHeight).Fill(zero);
            planes[i] = new ComponentPlane(width, height, stride, paddedHeight, maxH / c.HorizontalSampling, maxV / c.VerticalSampling, samples);
        }
        return planes;
    }

    private static void RunJpegLibrary(byte[] codestream, int length, ComponentPlane[] planes)
    {
        var decoder = new JpegDecoder();
        decoder.SetInput(new ReadOnlyMemory<byte>(codestream, 0, length));
        decoder.SetOutputWriter(new PlaneWriter(planes));
        decoder.Decode();
    }

    /// <summary>
    /// Replaces JpegLibrary's probe output, in place, by libjpeg's samples: each block's coefficients recovered,
    /// dequantized with the component's latched table and inverse transformed. Without <paramref name="only"/>,
    /// every block of every plane; blocks whose coefficients cannot be recovered from the probe alone are left as
    /// they are and returned (null when there are none). With <paramref name="only"/>, just those blocks, helped
    /// by <paramref name="coarse"/> (the step-1 decode); whatever still fails there is damaged data and is
    /// transformed as recovered. A component that no scan carried has no table; libjpeg shows it as zero
    /// coefficients, which is the centre level.
    /// </summary>
    [SkipLocalsInit]
    private static List<(int Plane, int Offset)>? TransformPlanes(ComponentPlane[] planes, ComponentPlane[]? coarse,
        QuantizationTables tables, int precision, List<(int Plane, int Offset)>? only)
    {
        CoefficientRecovery recovery = CoefficientRecovery.For(precision);
        IntegerInverseDct idct = IntegerInverseDct.For(precision);
        Span<double> recoveryWorkspace = stackalloc double[64];
        Span<int> coefficients = stackalloc int[64];
        Span<int> idctWorkspace = stackalloc int[64];
        if (only is not null)
        {
            foreach ((int index, int offset) in only)
            {
                ComponentPlane plane = planes[index];
                Span<short> block = plane.Samples.AsSpan(offset);
                recovery.Recover(block, coarse![index].Samples.AsSpan(offset), plane.Stride, recoveryWorkspace, coefficients);
                idct.Transform(coefficients, tables.ComponentTables[index]!, idctWorkspace, block, plane.Stride);
            }
            return null;
        }

        List<(int Plane, int Offset)>? unrecovered = null;
        for (int i = 0; i < planes.Length; i++)
        {
            ComponentPlane plane = planes[i];
            Span<short> samples = plane.Samples.AsSpan(0, plane.Stride * plane.PaddedHeight);
            int[]? table = tables.ComponentTables[i];
            if (table is null)
            {
                samples.Fill((short)recovery.LevelShift);
                continue;
            }
            for (int top = 0; top < plane.PaddedHeight; top += 8)
            {
                for (int left = 0; left < plane.Stride; left += 8)
                {
                    int offset = top * plane.Stride + left;
                    Span<short> block = samples.Slice(offset);
                    if (recovery.Recover(block, default, plane.Stride, recoveryWorkspace, coefficients) > CoefficientRecovery.Tolerance)
                        (unrecovered ??= new()).Add((i, offset));
                    else
                        idct.Transform(coefficients, table, idctWorkspace, block, plane.Stride);
                }
            }
        }
        return unrecovered;
    }

    /// <summary>
    /// Replaces the quantized coefficients held in every block of every plane (see
    /// <see cref="CoefficientCapturingDecoder"/>), in place, by libjpeg's samples. A component that no scan
    /// carried has no table and decodes to the centre level, as in libjpeg.
    /// </summary>
    [SkipLocalsInit]
    private static void TransformCoefficientPlanes(ComponentPlane[] planes, QuantizationTables tables, int precision)
    {
        IntegerInverseDct idct = IntegerInverseDct.For(precision);
        Span<int> coefficients = stackalloc int[64];
        Span<int> idctWorkspace = stackalloc int[64];
        for (int i = 0; i < planes.Length; i++)
        {
            ComponentPlane plane = planes[i];
            Span<short> samples = plane.Samples.AsSpan(0, plane.Stride * plane.PaddedHeight);
            int[]? table = tables.ComponentTables[i];
            if (table is null)
            {
                samples.Fill((short)(1 << (precision - 1)));
                continue;
            }
            for (int top = 0; top < plane.PaddedHeight; top += 8)
            {
                for (int left = 0; left < plane.Stride; left += 8)
                {
                    Span<short> block = samples.Slice(top * plane.Stride + left);
                    for (int row = 0; row < 8; row++)
                    {
                        ReadOnlySpan<short> source = block.Slice(row * plane.Stride, 8);
                        for (int column = 0; column < 8; column++) coefficients[8 * row + column] = source[column];
                    }
                    idct.Transform(coefficients, table, idctWorkspace, block, plane.Stride);
                }
            }
        }
    }

    private static void ReturnPlanes(ComponentPlane[]? planes)
    {
        if (planes is null) return;
        foreach (ComponentPlane? plane in planes)
        {
            if (plane is not null) ArrayPool<short>.Shared.Return(plane.Samples);
        }
    }

    /// <summary>
    /// Writes the planes into the frame: grey as is, colour upsampled to full size, converted when YCbCr, and
    /// interleaved. What the codestream lacks (fewer rows, columns or components than the header) stays 0; what
    /// it has beyond the header is dropped.
    /// </summary>
    private static void WriteFrame(ComponentPlane[] planes, JpegFrameInfo frame, FrameGeometry geometry, bool convert, Span<byte> destination)
    {
        int samplesPerPixel = geometry.SamplesPerPixel;
        int columns = geometry.Columns;
        int rows = Math.Min(frame.Lines, geometry.Rows);
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

    /// <summary>
    /// Receives JpegLibrary's 8x8 spatial blocks (of the probe codestream) and keeps them as they are, for
    /// <see cref="TransformPlanes"/>. JpegLibrary places every block on the full image grid, and replicates
    /// subsampled blocks to fill it; keeping only the samples that fall on the component's own grid undoes that
    /// replication exactly. Blocks past the component's last whole block (MCU padding) are dropped.
    /// </summary>
    private sealed class PlaneWriter : JpegBlockOutputWriter
    {
        private readonly ComponentPlane[] _planes;

        public PlaneWriter(ComponentPlane[] planes) => _planes = planes;

        public override void WriteBlock(ref short blockRef, int componentIndex, int x, int y)
        {
            if ((uint)componentIndex >= (uint)_planes.Length || x < 0 || y < 0) return;
            ComponentPlane plane = _planes[componentIndex];
            int hs = plane.HorizontalStep, vs = plane.VerticalStep;
            // x and y are multiples of 8 and the steps powers of two up to 4, so the samples on the component's
            // grid are every hs-th column and vs-th row of the block, starting with its first.
            int planeX = x / hs;
            int firstPlaneY = y / vs;
            if (planeX >= plane.Stride || firstPlaneY >= plane.PaddedHeight) return; // MCU padding past the edge
            int count = Math.Min((8 + hs - 1) / hs, plane.Stride - planeX);
            int rows = Math.Min((8 + vs - 1) / vs, plane.PaddedHeight - firstPlaneY);
            ReadOnlySpan<short> block = MemoryMarshal.CreateReadOnlySpan(ref blockRef, 64);
            Span<short> samples = plane.Samples;
            for (int r = 0; r < rows; r++)
            {
                ReadOnlySpan<short> blockRow = block.Slice(r * vs * 8, 8);
                Span<short> target = samples.Slice((firstPlaneY + r) * plane.Stride + planeX, count);
                for (int c = 0, col = 0; c < target.Length; c++, col += hs) target[c] = blockRow[col];
            }
        }
    }
}
