using System.Buffers.Binary;

namespace DicomTools.Codecs.Jpeg2000;

/// <summary>
/// The little this decoder reads from a JPEG 2000 codestream itself (ISO/IEC 15444-1 Annex A): where the codestream
/// starts (bare, or inside a JP2 file's 'jp2c' box), whether the default coding style (COD) applies a
/// multiple-component transform, and whether that transform is Part 2's (ISO/IEC 15444-2 Annex J). OpenJPEG inverts
/// the Part 1 transform while decoding, so the samples it returns are RGB even when the DICOM header says YBR_RCT or
/// YBR_ICT; it refuses Part 2's.
/// </summary>
internal static class J2kMainHeader
{
    private static ReadOnlySpan<byte> Jp2Signature => new byte[] { 0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A };

    private const ushort StartOfCodestream = 0xFF4F;
    private const ushort CodingStyleDefault = 0xFF52;
    private const ushort MultipleComponentTransformation = 0xFF74; // MCT, Part 2
    private const ushort MultipleComponentCollection = 0xFF75;     // MCC, Part 2
    private const ushort MultipleComponentOrdering = 0xFF77;       // MCO, Part 2
    private const ushort StartOfTile = 0xFF90;
    private const uint ContiguousCodestreamBox = 0x6A703263; // 'jp2c'

    private const ushort ImageAndTileSize = 0xFF51;
    private const ushort Capabilities = 0xFF50;       // CAP, Part 15 (HTJ2K)
    private const ushort CodingStyleComponent = 0xFF53;
    private const ushort StartOfData = 0xFF93;
    private const ushort EndOfCodestream = 0xFFD9;
    private const int HighThroughputBlockStyle = 0x40; // code-block style bit 6: HT code-blocks (15444-15 A.2)
    private const int HighThroughputProfile = 0x4000;   // Rsiz bit 14: an HTJ2K codestream

    /// <summary>
    /// False only when the whole codestream's headers were walked and nothing in them asks for HTJ2K code-blocks:
    /// no CAP marker, no Rsiz HT flag, no COD or COC (main or tile-part header) with code-block style bit 6, which is
    /// what makes OpenJPEG use its HT block decoder. Anything the walk cannot follow counts as "may": the answer
    /// decides whether OpenJPEG runs in a process it may end (<see cref="OpenJpegWorkerPool"/>), so doubt isolates.
    /// </summary>
    public static bool MayUseHighThroughput(ReadOnlySpan<byte> data)
    {
        var codestream = IsJp2File(data) ? FindContiguousCodestream(data) : data;
        if (codestream.Length < 4 || BinaryPrimitives.ReadUInt16BigEndian(codestream) != StartOfCodestream) return true;
        int componentIndexBytes = 1;
        int position = 2;
        // The main header, then each tile-part: its header up to SOD, and on to the next SOT by its Psot.
        bool inTilePart = false;
        int tilePartStart = 0;
        while (true)
        {
            if (position + 2 > codestream.Length) return inTilePart || position != codestream.Length;
            ushort marker = BinaryPrimitives.ReadUInt16BigEndian(codestream[position..]);
            if (!inTilePart && marker == EndOfCodestream) return false; // DICOM's padding byte may follow
            if (position + 4 > codestream.Length) return true;
            if ((marker & 0xFF00) != 0xFF00) return true;
            if (marker == StartOfData)
            {
                if (!inTilePart) return true;
                long tilePartLength = BinaryPrimitives.ReadUInt32BigEndian(codestream[(tilePartStart + 6)..]);
                if (tilePartLength == 0) return false; // the last tile-part runs to the end: every header was seen
                long next = tilePartStart + tilePartLength;
                if (next >= codestream.Length - 1) return false; // the end, or cut short (OpenJPEG reports that)
                position = (int)next;
                inTilePart = false;
                continue;
            }
            int length = BinaryPrimitives.ReadUInt16BigEndian(codestream[(position + 2)..]);
            if (length < 2 || position + 2 + length > codestream.Length) return true;
            var segment = codestream.Slice(position + 4, length - 2);
            switch (marker)
            {
                case Capabilities:
                    return true;
                case ImageAndTileSize:
                    if (segment.Length < 36) return true;
                    if ((BinaryPrimitives.ReadUInt16BigEndian(segment) & HighThroughputProfile) != 0) return true;
                    componentIndexBytes = BinaryPrimitives.ReadUInt16BigEndian(segment[34..]) > 256 ? 2 : 1;
                    break;
                case CodingStyleDefault: // Scod, SGcod (4), then levels, xcb, ycb, style
                    if (segment.Length < 9 || (segment[8] & HighThroughputBlockStyle) != 0) return true;
                    break;
                case CodingStyleComponent: // Ccoc (1 or 2), Scoc, then levels, xcb, ycb, style
                    if (segment.Length < componentIndexBytes + 5 || (segment[componentIndexBytes + 4] & HighThroughputBlockStyle) != 0) return true;
                    break;
                case StartOfTile:
                    if (inTilePart || length != 10) return true;
                    inTilePart = true;
                    tilePartStart = position;
                    break;
            }
            position += 2 + length;
        }
    }

    /// <summary>True when the data is a JP2 file (starts with the JPEG 2000 signature box), not a bare codestream.</summary>
    public static bool IsJp2File(ReadOnlySpan<byte> data) => data.StartsWith(Jp2Signature);

    /// <summary>
    /// Whether the main header's COD marker switches the multiple-component transform on. False when the COD is
    /// absent or the header cannot be walked (OpenJPEG then reports the real damage).
    /// </summary>
    public static bool UsesMultipleComponentTransform(ReadOnlySpan<byte> data) => Read(data).Transform > 0;

    /// <summary>
    /// What of Part 2's multiple-component transform the main header uses (COD transform 2, or MCT / MCC / MCO
    /// marker segments), as words for an error message; null when it uses none. OpenJPEG 2.4 and later refuse such a
    /// codestream while reading its header ("Invalid multiple component transformation"): its reader accepts only
    /// transforms 0 and 1, though its encoder writes 2 (opj_set_MCT).
    /// </summary>
    public static string? DescribePart2Transform(ReadOnlySpan<byte> data)
    {
        var header = Read(data);
        if (header.Transform < 2 && header.Part2Markers.Count == 0) return null;
        var parts = new List<string>();
        if (header.Transform >= 2) parts.Add($"COD transform {header.Transform}");
        if (header.Part2Markers.Count > 0) parts.Add(string.Join("/", header.Part2Markers) + " marker segments");
        return string.Join(", ", parts);
    }

    private readonly record struct MainHeader(int Transform, IReadOnlyList<string> Part2Markers);

    /// <summary>
    /// One walk over the main header's marker segments (each a 2-byte marker and a 2-byte length that counts itself;
    /// SOT ends the main header). Transform -1 when no COD was found; the walk stops quietly at damage.
    /// </summary>
    private static MainHeader Read(ReadOnlySpan<byte> data)
    {
        var codestream = IsJp2File(data) ? FindContiguousCodestream(data) : data;
        int transform = -1;
        var part2Markers = new List<string>();
        if (codestream.Length < 2 || BinaryPrimitives.ReadUInt16BigEndian(codestream) != StartOfCodestream) return new(transform, part2Markers);

        int position = 2;
        while (position + 4 <= codestream.Length)
        {
            ushort marker = BinaryPrimitives.ReadUInt16BigEndian(codestream.Slice(position));
            if (marker == StartOfTile || (marker & 0xFF00) != 0xFF00) break;
            int length = BinaryPrimitives.ReadUInt16BigEndian(codestream.Slice(position + 2));
            if (length < 2) break;
            switch (marker)
            {
                case CodingStyleDefault:
                    // Lcod, Scod, then SGcod: progression order (1 byte), layers (2), multiple component transform (1).
                    const int transformOffset = 2 + 2 + 1 + 1 + 2;
                    if (position + transformOffset < codestream.Length && length >= 7) transform = codestream[position + transformOffset];
                    break;
                case MultipleComponentTransformation: AddOnce(part2Markers, "MCT"); break;
                case MultipleComponentCollection: AddOnce(part2Markers, "MCC"); break;
                case MultipleComponentOrdering: AddOnce(part2Markers, "MCO"); break;
            }
            position += 2 + length;
        }
        return new(transform, part2Markers);
    }

    private static void AddOnce(List<string> names, string name)
    {
        if (!names.Contains(name)) names.Add(name);
    }

    /// <summary>The contents of the top-level 'jp2c' box of a JP2 file, or an empty span.</summary>
    private static ReadOnlySpan<byte> FindContiguousCodestream(ReadOnlySpan<byte> file)
    {
        long position = 0;
        while (position + 8 <= file.Length)
        {
            long boxLength = BinaryPrimitives.ReadUInt32BigEndian(file.Slice((int)position));
            uint type = BinaryPrimitives.ReadUInt32BigEndian(file.Slice((int)position + 4));
            int headerLength = 8;
            if (boxLength == 1)
            {
                if (position + 16 > file.Length) break;
                ulong extended = BinaryPrimitives.ReadUInt64BigEndian(file.Slice((int)position + 8));
                boxLength = extended > (ulong)file.Length ? file.Length - position : (long)extended;
                headerLength = 16;
            }
            else if (boxLength == 0)
            {
                boxLength = file.Length - position; // the last box runs to the end of the file
            }
            if (boxLength < headerLength) break;
            long end = Math.Min(position + boxLength, file.Length);
            if (type == ContiguousCodestreamBox) return file.Slice((int)position + headerLength, (int)(end - position - headerLength));
            position += boxLength;
        }
        return ReadOnlySpan<byte>.Empty;
    }
}
