using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.Intrinsics;

namespace DicomTools.Export;

/// <summary>
/// PNG writer for the shapes a display image has: 8-bit grey, 16-bit grey, 8-bit RGB (PNG colour types 0 and 2,
/// ISO/IEC 15948). It exists for speed: PNG is the format a series is exported to, and the platform's native zlib
/// deflates several times faster than ImageSharp's managed deflater, which dominated the whole pipeline. Every
/// row is filtered with Paeth (the predictor that suits smooth medical images best, and what ImageSharp's default
/// picks too); no ancillary chunks are written, so nothing from the DICOM header can leak into the file.
/// </summary>
internal static class PngWriter
{
    private static readonly byte[] Signature = { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A };
    private const byte PaethFilter = 4;
    private const int BlockBytes = 32 * 1024;

    /// <summary>8-bit grey (<paramref name="samplesPerPixel"/> 1) or RGB (3) samples, row-major.</summary>
    /// <param name="pack">Also return the image data written, copied, as the packed form of the same pixels (else null).</param>
    public static PackedPngRows? Write8(ReadOnlySpan<byte> pixels, int width, int height, int samplesPerPixel, Stream output, int compressionLevel,
        bool pack = false)
    {
        if (samplesPerPixel is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(samplesPerPixel));
        var rowBytes = width * samplesPerPixel;
        if (pixels.Length != (long)rowBytes * height) throw new ArgumentException($"{pixels.Length} bytes for a {width}x{height}x{samplesPerPixel} image");
        return WriteImage(output, pixels, width, height, bitDepth: 8, colourType: samplesPerPixel == 1 ? (byte)0 : (byte)2, rowBytes,
            bytesPerPixel: samplesPerPixel, compressionLevel, pack);
    }

    /// <summary>16-bit grey samples, row-major (stored big endian, as PNG requires).</summary>
    public static void WriteGrey16(ReadOnlySpan<ushort> pixels, int width, int height, Stream output, int compressionLevel)
    {
        if (pixels.Length != (long)width * height) throw new ArgumentException($"{pixels.Length} samples for a {width}x{height} image");
        var rowBytes = width * 2;
        var byteCount = checked(width * height * 2);
        var bytes = ArrayPool<byte>.Shared.Rent(byteCount);
        try
        {
            var bigEndian = bytes.AsSpan(0, byteCount);
            for (var i = 0; i < pixels.Length; i++) BinaryPrimitives.WriteUInt16BigEndian(bigEndian[(i * 2)..], pixels[i]);
            WriteImage(output, bigEndian, width, height, bitDepth: 16, colourType: 0, rowBytes, bytesPerPixel: 2, compressionLevel);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    private static PackedPngRows? WriteImage(Stream output, ReadOnlySpan<byte> raw, int width, int height, byte bitDepth, byte colourType,
        int rowBytes, int bytesPerPixel, int compressionLevel, bool pack = false)
    {
        WriteSignatureAndHeader(output, width, height, bitDepth, colourType);
        PackedPngRows? packed = null;
        using (var compressed = Compress(raw, height, rowBytes, bytesPerPixel, compressionLevel))
        {
            WriteImageData(output, compressed.WrittenSpan, "IDAT"u8, sequence: null);
            if (pack) packed = new PackedPngRows(compressed.WrittenSpan, height, rowBytes, bytesPerPixel);
        }
        WriteChunk(output, "IEND"u8, ReadOnlySpan<byte>.Empty);
        return packed;
    }

    internal static void WriteSignatureAndHeader(Stream output, int width, int height, byte bitDepth, byte colourType)
    {
        output.Write(Signature);
        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = bitDepth;
        header[9] = colourType;
        header[10] = 0; // deflate
        header[11] = 0; // adaptive filtering (per-row filter bytes)
        header[12] = 0; // no interlace
        WriteChunk(output, "IHDR"u8, header);
    }

    /// <summary>The zlib stream of the Paeth-filtered rows (what IDAT or fdAT chunks carry), in a pooled buffer:
    /// dispose it when written.</summary>
    internal static PooledByteStream Compress(ReadOnlySpan<byte> raw, int height, int rowBytes, int bytesPerPixel, int compressionLevel)
    {
        var compressed = new PooledByteStream(raw.Length / 8 + 1024);
        // Rows are filtered into a block of about 32 KiB and handed to zlib a block at a time: one call into the
        // native deflater per block rather than per row.
        var rowsPerBlock = Math.Clamp(BlockBytes / (rowBytes + 1), 1, Math.Max(1, height));
        var filtered = ArrayPool<byte>.Shared.Rent(rowsPerBlock * (rowBytes + 1));
        try
        {
            using (var zlib = ZLibLevels.Create(compressed, compressionLevel))
            {
                for (var first = 0; first < height; first += rowsPerBlock)
                {
                    var rows = Math.Min(rowsPerBlock, height - first);
                    for (var i = 0; i < rows; i++)
                    {
                        var row = first + i;
                        var line = filtered.AsSpan(i * (rowBytes + 1), rowBytes + 1);
                        var current = raw.Slice(row * rowBytes, rowBytes);
                        var previous = row == 0 ? ReadOnlySpan<byte>.Empty : raw.Slice((row - 1) * rowBytes, rowBytes);
                        line[0] = PaethFilter;
                        Paeth(current, previous, bytesPerPixel, line[1..]);
                    }
                    zlib.Write(filtered.AsSpan(0, rows * (rowBytes + 1)));
                }
            }
            return compressed;
        }
        catch
        {
            compressed.Dispose();
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(filtered);
        }
    }

    /// <summary>
    /// Writes compressed image data as chunks of at most 1 MiB (modest lengths for readers that buffer a chunk at a
    /// time). APNG's fdAT chunks start with a sequence number: <paramref name="sequence"/> is advanced per chunk.
    /// </summary>
    internal static void WriteImageData(Stream output, ReadOnlySpan<byte> data, ReadOnlySpan<byte> type, Func<int>? sequence)
    {
        const int ChunkLimit = 1 << 20;
        var withSequence = sequence is null ? null : new byte[Math.Min(ChunkLimit, data.Length) + 4];
        for (var at = 0; at < data.Length || at == 0; at += ChunkLimit)
        {
            var part = data.Slice(at, Math.Min(ChunkLimit, data.Length - at));
            if (withSequence is null)
            {
                WriteChunk(output, type, part);
            }
            else
            {
                BinaryPrimitives.WriteInt32BigEndian(withSequence, sequence!());
                part.CopyTo(withSequence.AsSpan(4));
                WriteChunk(output, type, withSequence.AsSpan(0, part.Length + 4));
            }
            if (data.Length == 0) break;
        }
    }

    /// <summary>Paeth filter of one row (ISO/IEC 15948 9.4): each byte minus the predictor of left, up, up-left.</summary>
    private static void Paeth(ReadOnlySpan<byte> row, ReadOnlySpan<byte> previous, int bpp, Span<byte> output)
    {
        if (previous.IsEmpty)
        {
            // No row above: the predictor is the left byte (Paeth of a, 0, 0 is a).
            for (var i = 0; i < bpp; i++) output[i] = row[i];
            for (var i = bpp; i < row.Length; i++) output[i] = (byte)(row[i] - row[i - bpp]);
            return;
        }
        for (var i = 0; i < bpp; i++) output[i] = (byte)(row[i] - previous[i]);
        var start = bpp;
        if (Vector128.IsHardwareAccelerated)
        {
            // The predictor reads only unfiltered bytes (left, up, up-left), so 16 bytes are filtered at once.
            for (; start + Vector128<byte>.Count <= row.Length; start += Vector128<byte>.Count)
                PaethBlock(row, previous, bpp, start, output);
        }
        for (var i = start; i < row.Length; i++)
        {
            int a = row[i - bpp], b = previous[i], c = previous[i - bpp];
            var p = a + b - c;
            int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
            var predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
            output[i] = (byte)(row[i] - predictor);
        }
    }

    /// <summary>Paeth of the 16 bytes from <paramref name="at"/>: the scalar rule on 16-bit lanes, choosing left
    /// when |p - a| is smallest, then up, then up-left (ties in that order, as ISO/IEC 15948 9.4 says).</summary>
    private static void PaethBlock(ReadOnlySpan<byte> row, ReadOnlySpan<byte> previous, int bpp, int at, Span<byte> output)
    {
        var x = Vector128.Create(row.Slice(at, 16));
        var left = Vector128.Create(row.Slice(at - bpp, 16));
        var up = Vector128.Create(previous.Slice(at, 16));
        var upLeft = Vector128.Create(previous.Slice(at - bpp, 16));
        var (aLow, aHigh) = Vector128.Widen(left);
        var (bLow, bHigh) = Vector128.Widen(up);
        var (cLow, cHigh) = Vector128.Widen(upLeft);
        var predictor = Vector128.Narrow(
            Predict(aLow.AsInt16(), bLow.AsInt16(), cLow.AsInt16()).AsUInt16(),
            Predict(aHigh.AsInt16(), bHigh.AsInt16(), cHigh.AsInt16()).AsUInt16());
        (x - predictor).CopyTo(output.Slice(at, 16));

        static Vector128<short> Predict(Vector128<short> a, Vector128<short> b, Vector128<short> c)
        {
            // p = a + b - c: p - a = b - c, p - b = a - c, p - c = (b - c) + (a - c).
            var bc = b - c;
            var ac = a - c;
            var pa = Vector128.Abs(bc);
            var pb = Vector128.Abs(ac);
            var pc = Vector128.Abs(bc + ac);
            var useA = Vector128.LessThanOrEqual(pa, pb) & Vector128.LessThanOrEqual(pa, pc);
            var useB = Vector128.LessThanOrEqual(pb, pc);
            return Vector128.ConditionalSelect(useA, a, Vector128.ConditionalSelect(useB, b, c));
        }
    }

    internal static void WriteChunk(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(prefix, data.Length);
        type.CopyTo(prefix[4..]);
        output.Write(prefix);
        output.Write(data);
        var crc = Crc32.Update(Crc32.Update(0xFFFFFFFF, type), data) ^ 0xFFFFFFFF;
        Span<byte> suffix = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(suffix, crc);
        output.Write(suffix);
    }

    /// <summary>The CRC-32 PNG chunks carry (ISO 3309 polynomial, reflected), table-driven.</summary>
    internal static class Crc32
    {
        private static readonly uint[] Table = Build();

        public static uint Update(uint crc, ReadOnlySpan<byte> data)
        {
            foreach (var b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
            return crc;
        }

        private static uint[] Build()
        {
            var table = new uint[256];
            for (uint n = 0; n < 256; n++)
            {
                var c = n;
                for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
                table[n] = c;
            }
            return table;
        }
    }
}
