using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;

namespace DicomTools.Export;

/// <summary>
/// Writes a baseline little-endian TIFF holding one 16-bit unsigned grey channel (BlackIsZero). Exists because
/// ImageSharp 2.1.13 cannot write 16-bit grey TIFF. Layout: header, the one IFD and its out-of-line values, then the
/// strips; Deflate (compression 8, zlib-wrapped as Adobe specifies) with the horizontal predictor, which roughly
/// halves the size of medical images, or uncompressed at level 0.
/// </summary>
internal static class Grey16TiffWriter
{
    // Strips of about 64 KiB uncompressed, as the TIFF 6.0 spec advises small strips so readers need not hold a
    // whole image in one buffer.
    private const int TargetStripBytes = 64 * 1024;

    private const ushort TypeShort = 3, TypeLong = 4, TypeRational = 5;
    private const ushort CompressionNone = 1, CompressionAdobeDeflate = 8;

    public static void Write(ReadOnlySpan<ushort> pixels, int width, int height, Stream output, int compressionLevel)
    {
        bool compress = compressionLevel > 0;
        int rowsPerStrip = (int)Math.Clamp(TargetStripBytes / (2L * width), 1, height);
        int stripCount = (height + rowsPerStrip - 1) / rowsPerStrip;

        // Strips are compressed first because their sizes go into the IFD, which precedes them.
        var strips = new MemoryStream();
        var stripLengths = new long[stripCount];
        ushort[] row = ArrayPool<ushort>.Shared.Rent(width);
        try
        {
            Span<ushort> rowSpan = row.AsSpan(0, width);
            for (int strip = 0; strip < stripCount; strip++)
            {
                long start = strips.Length;
                int firstRow = strip * rowsPerStrip;
                int rows = Math.Min(rowsPerStrip, height - firstRow);
                Stream target = compress
                    ? ZLibLevels.Create(strips, compressionLevel)
                    : strips;
                for (int y = firstRow; y < firstRow + rows; y++)
                {
                    pixels.Slice(y * width, width).CopyTo(rowSpan);
                    if (compress)
                        ApplyHorizontalPredictor(rowSpan);
                    if (!BitConverter.IsLittleEndian)
                        BinaryPrimitives.ReverseEndianness(rowSpan, rowSpan);
                    target.Write(MemoryMarshal.AsBytes(rowSpan));
                }
                if (compress)
                    target.Dispose();
                stripLengths[strip] = strips.Length - start;
            }
        }
        finally
        {
            ArrayPool<ushort>.Shared.Return(row);
        }

        // The IFD's entries, sorted by tag as TIFF requires. Offsets into the header are filled in below, once the
        // IFD's size (which depends on the entry count) is known.
        var entries = new List<(ushort Tag, ushort Type, uint Count, uint Value)>
        {
            (256, TypeLong, 1, (uint)width),                                    // ImageWidth
            (257, TypeLong, 1, (uint)height),                                   // ImageLength
            (258, TypeShort, 1, 16),                                            // BitsPerSample
            (259, TypeShort, 1, compress ? CompressionAdobeDeflate : CompressionNone),
            (262, TypeShort, 1, 1),                                             // Photometric: BlackIsZero
            (273, TypeLong, (uint)stripCount, 0),                               // StripOffsets
            (277, TypeShort, 1, 1),                                             // SamplesPerPixel
            (278, TypeLong, 1, (uint)rowsPerStrip),                             // RowsPerStrip
            (279, TypeLong, (uint)stripCount, 0),                               // StripByteCounts
            (282, TypeRational, 1, 0),                                          // XResolution
            (283, TypeRational, 1, 0),                                          // YResolution
            (296, TypeShort, 1, 1),                                             // ResolutionUnit: none (aspect only)
        };
        if (compress)
            entries.Add((317, TypeShort, 1, 2));                                // Predictor: horizontal
        entries.Add((339, TypeShort, 1, 1));                                    // SampleFormat: unsigned

        int ifdSize = 2 + entries.Count * 12 + 4;
        int xResolutionOffset = 8 + ifdSize;
        int yResolutionOffset = xResolutionOffset + 8;
        int stripOffsetsOffset = yResolutionOffset + 8;          // used only when there is more than one strip
        int stripCountsOffset = stripOffsetsOffset + (stripCount > 1 ? 4 * stripCount : 0);
        int firstStripOffset = stripCountsOffset + (stripCount > 1 ? 4 * stripCount : 0);
        if (firstStripOffset + strips.Length > uint.MaxValue)
            throw new ArgumentException($"A {width}x{height} 16-bit image is too large for a TIFF file (over 4 GiB).");

        var head = new byte[firstStripOffset];
        Span<byte> h = head;
        h[0] = (byte)'I';
        h[1] = (byte)'I';
        BinaryPrimitives.WriteUInt16LittleEndian(h[2..], 42);
        BinaryPrimitives.WriteUInt32LittleEndian(h[4..], 8);
        BinaryPrimitives.WriteUInt16LittleEndian(h[8..], (ushort)entries.Count);
        int entry = 10;
        foreach ((ushort tag, ushort type, uint count, uint value) in entries)
        {
            uint resolved = tag switch
            {
                273 => stripCount > 1 ? (uint)stripOffsetsOffset : (uint)firstStripOffset,
                279 => stripCount > 1 ? (uint)stripCountsOffset : (uint)stripLengths[0],
                282 => (uint)xResolutionOffset,
                283 => (uint)yResolutionOffset,
                _ => value,
            };
            WriteEntry(h, ref entry, tag, type, count, resolved);
        }
        BinaryPrimitives.WriteUInt32LittleEndian(h[entry..], 0);                     // no next IFD

        // Resolution 1/1 with no unit: square pixels, no claimed physical size (the display image has none).
        BinaryPrimitives.WriteUInt32LittleEndian(h[xResolutionOffset..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(h[(xResolutionOffset + 4)..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(h[yResolutionOffset..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(h[(yResolutionOffset + 4)..], 1);
        if (stripCount > 1)
        {
            long offset = firstStripOffset;
            for (int i = 0; i < stripCount; i++)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(h[(stripOffsetsOffset + 4 * i)..], (uint)offset);
                BinaryPrimitives.WriteUInt32LittleEndian(h[(stripCountsOffset + 4 * i)..], (uint)stripLengths[i]);
                offset += stripLengths[i];
            }
        }

        output.Write(head);
        strips.Position = 0;
        strips.CopyTo(output);
    }

    private static void WriteEntry(Span<byte> buffer, ref int at, ushort tag, ushort type, uint count, uint value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(buffer[at..], tag);
        BinaryPrimitives.WriteUInt16LittleEndian(buffer[(at + 2)..], type);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer[(at + 4)..], count);
        // A single SHORT sits left-justified in the 4-byte value field; anything else here is a LONG or an offset.
        if (type == TypeShort && count == 1)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(buffer[(at + 8)..], (ushort)value);
            BinaryPrimitives.WriteUInt16LittleEndian(buffer[(at + 10)..], 0);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(buffer[(at + 8)..], value);
        }
        at += 12;
    }

    /// <summary>TIFF predictor 2: each sample becomes its difference from the left neighbour, modulo 2^16.</summary>
    private static void ApplyHorizontalPredictor(Span<ushort> row)
    {
        // Right to left so each difference uses the original left neighbour.
        for (int x = row.Length - 1; x > 0; x--)
            row[x] = (ushort)(row[x] - row[x - 1]);
    }
}
