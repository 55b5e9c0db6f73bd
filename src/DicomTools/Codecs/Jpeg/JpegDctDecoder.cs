using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using JpegLibrary;

namespace DicomTools.Codecs.Jpeg;

/// <summary>
/// DCT-based JPEG through JpegLibrary (managed, MIT): baseline 8-bit (1.2.840.10008.1.2.4.50), extended 12-bit
/// (.51) and the retired spectral-selection and full-progression syntaxes (.53, .55), and their arithmetic-coded
/// variants (.52, .54, .56). JpegLibrary entropy-decodes and transforms the blocks; this class keeps each component at its own
/// resolution, upsamples subsampled chroma as libjpeg does (<see cref="ChromaUpsampler"/>), converts YCbCr to RGB
/// when the codestream holds YCbCr (<see cref="JpegColor.HoldsYCbCr"/>) and writes the samples in Bits Allocated
/// width, little endian; 12-bit samples keep their 12 bits in a 16-bit container. Returns "RGB" for a 3-component
/// colour frame (whether converted here or stored as RGB), otherwise the header's Photometric Interpretation.
/// A lossless (SOF3) codestream is handed to <see cref="JpegLosslessDecoder"/>: JpegLibrary's lossless
/// predictors 2, 3, 6 and 7 are wrong.
/// </summary>
public sealed class JpegDctDecoder : IFrameDecoder
{
    private const string CodecName = "JPEG";

    public string Name => CodecName;

    /// <summary>SOF markers whose codestreams JpegLibrary decodes: sequential and progressive, Huffman or arithmetic.</summary>
    internal static bool Handles(byte startOfFrame) => startOfFrame is 0xC0 or 0xC1 or 0xC2 or 0xC9 or 0xCA;

    public string Decode(ReadOnlySpan<byte> encoded, FrameGeometry geometry, Span<byte> destination)
    {
        JpegOutput.Validate(geometry, destination, CodecName);
        JpegFrameInfo frame = JpegFrameInfo.Read(encoded, CodecName);
        if (frame.IsLossless) return JpegDecoders.Lossless.Decode(encoded, geometry, destination);
        CheckSupported(frame, geometry);
        CheckStructure(encoded);

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
    /// Walks all markers before JpegLibrary sees them. A truncated codestream ends inside entropy-coded data, with
    /// no marker after the last scan: JpegLibrary would pad the missing bits and may return a partly blank image
    /// without complaint, while DCMTK and GDCM refuse such a frame, and so do we. A second frame header (only
    /// hierarchical JPEG has one) is refused too: JpegLibrary would start over with the new header's size, which
    /// nothing has checked against the DICOM header.
    /// </summary>
    private static void CheckStructure(ReadOnlySpan<byte> encoded)
    {
        var markers = new JpegMarkerReader(encoded, CodecName);
        markers.ReadStartOfImage();
        int frames = 0;
        while (markers.TryReadMarker(out byte marker))
        {
            if (marker == JpegMarker.EndOfImage) return;
            if (JpegMarker.IsStandalone(marker)) continue;
            int offset = markers.Position;
            markers.ReadSegment(marker);
            if (JpegMarker.IsStartOfFrame(marker) && ++frames > 1)
                throw new CodecException($"{CodecName}: second frame header {JpegMarker.Describe(marker)} at offset {offset - 2} (hierarchical JPEG is not supported).");
            if (marker != JpegMarker.StartOfScan) continue;
            markers.SkipEntropyCodedData();
            if (markers.AtEnd)
                throw new CodecException($"{CodecName}: codestream of {encoded.Length} bytes ends inside the entropy-coded data of the scan at offset {offset - 2} (truncated: no marker or EOI follows).");
        }
    }

    private static ComponentPlane[] DecodePlanes(ReadOnlySpan<byte> encoded, JpegFrameInfo frame)
    {
        int maxH = 1, maxV = 1;
        foreach (JpegComponentInfo c in frame.Components)
        {
            maxH = Math.Max(maxH, c.HorizontalSampling);
            maxV = Math.Max(maxV, c.VerticalSampling);
        }
        var planes = new ComponentPlane[frame.Components.Length];
        byte[] input = ArrayPool<byte>.Shared.Rent(encoded.Length);
        try
        {
            for (int i = 0; i < planes.Length; i++)
            {
                JpegComponentInfo c = frame.Components[i];
                // T.81 A.1.1: a component is ceil(X * Hi / Hmax) by ceil(Y * Vi / Vmax) samples.
                int width = (frame.SamplesPerLine * c.HorizontalSampling + maxH - 1) / maxH;
                int height = (frame.Lines * c.VerticalSampling + maxV - 1) / maxV;
                short[] samples = ArrayPool<short>.Shared.Rent(width * height);
                Array.Clear(samples, 0, width * height);
                planes[i] = new ComponentPlane(width, height, maxH / c.HorizontalSampling, maxV / c.VerticalSampling, samples);
            }
            encoded.CopyTo(input);
            var decoder = new JpegDecoder();
            decoder.SetInput(new ReadOnlyMemory<byte>(input, 0, encoded.Length));
            decoder.SetOutputWriter(new PlaneWriter(planes, (1 << frame.Precision) - 1));
            decoder.Decode();
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
            ArrayPool<byte>.Shared.Return(input);
        }
    }

    private static void ReturnPlanes(ComponentPlane?[] planes)
    {
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
    /// Receives JpegLibrary's 8x8 spatial blocks. JpegLibrary places every block on the full image grid, and
    /// replicates subsampled blocks to fill it; keeping only the samples that fall on the component's own grid
    /// undoes that replication exactly. Samples are clamped to 0..2^P-1 (JpegLibrary does not range-limit after
    /// the inverse DCT) and blocks past the component's edge are dropped.
    /// </summary>
    private sealed class PlaneWriter : JpegBlockOutputWriter
    {
        private readonly ComponentPlane[] _planes;
        private readonly int _maxValue;

        public PlaneWriter(ComponentPlane[] planes, int maxValue)
        {
            _planes = planes;
            _maxValue = maxValue;
        }

        public override void WriteBlock(ref short blockRef, int componentIndex, int x, int y)
        {
            if ((uint)componentIndex >= (uint)_planes.Length || x < 0 || y < 0) return;
            ComponentPlane plane = _planes[componentIndex];
            int hs = plane.HorizontalStep, vs = plane.VerticalStep;
            // x and y are multiples of 8 and the steps powers of two up to 4, so the samples on the component's
            // grid are every hs-th column and vs-th row of the block, starting with its first.
            int planeX = x / hs;
            int firstPlaneY = y / vs;
            if (planeX >= plane.Width || firstPlaneY >= plane.Height) return; // MCU padding past the edge
            int count = Math.Min((8 + hs - 1) / hs, plane.Width - planeX);
            int rows = Math.Min((8 + vs - 1) / vs, plane.Height - firstPlaneY);
            ReadOnlySpan<short> block = MemoryMarshal.CreateReadOnlySpan(ref blockRef, 64);
            Span<short> samples = plane.Samples;
            int max = _maxValue;
            for (int r = 0; r < rows; r++)
            {
                ReadOnlySpan<short> blockRow = block.Slice(r * vs * 8, 8);
                Span<short> target = samples.Slice((firstPlaneY + r) * plane.Width + planeX, count);
                for (int c = 0, col = 0; c < target.Length; c++, col += hs)
                    target[c] = (short)Math.Clamp((int)blockRow[col], 0, max);
            }
        }
    }
}
