using System.Buffers.Binary;

namespace DicomTools.Codecs.JpegLs;

/// <summary>
/// A marker-level walk of a JPEG-LS codestream (ISO/IEC 14495-1 Annex C) before CharLS sees it: SOI first, marker
/// segments whose lengths fit, entropy-coded scans that end at a marker, and an EOI.
/// </summary>
/// <remarks>
/// Why: CharLS 2.4 (Debian 12's libcharls2) spends about six seconds of CPU on a scan whose bits run out at the
/// physical end of the buffer: its unary-code reader keeps reading zero bits until a 32-bit counter wraps, and only
/// then reports the damage. (Bits that run out at a marker are reported at once.) A truncated frame, the commonest
/// damage, is exactly that case, so it is refused here in microseconds with a message saying where the data ends;
/// and since every scan that passes this walk is followed by a marker inside the buffer, CharLS's reader always
/// meets a marker before the end of the data.
/// </remarks>
internal static class JpegLsStructure
{
    private const byte MarkerStart = 0xFF;
    private const byte StartOfImage = 0xD8;
    private const byte EndOfImage = 0xD9;
    private const byte StartOfScan = 0xDA;

    public static void Check(ReadOnlySpan<byte> data)
    {
        if (data.Length < 2 || data[0] != MarkerStart || data[1] != StartOfImage)
        {
            throw new CodecException("JPEG-LS codestream does not start with an SOI marker (FFD8)");
        }

        int position = 2, scans = 0;
        while (true)
        {
            if (position >= data.Length) throw Truncated(scans, data.Length);
            if (data[position] != MarkerStart)
            {
                throw new CodecException($"JPEG-LS codestream has 0x{data[position]:X2} at byte {position} where a marker should start");
            }
            while (position < data.Length && data[position] == MarkerStart) position++; // fill bytes before a marker
            if (position >= data.Length) throw Truncated(scans, data.Length);

            byte code = data[position++];
            if (code == EndOfImage) return; // anything after it is padding
            if (code is 0x01 or (>= 0xD0 and <= 0xD7)) continue; // TEM and RSTm stand alone
            if (code < 0xC0 || code == StartOfImage)
            {
                throw new CodecException($"JPEG-LS codestream has an invalid marker FF{code:X2} at byte {position - 2}");
            }

            if (position + 2 > data.Length) throw Truncated(scans, data.Length);
            int length = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(position));
            if (length < 2) throw new CodecException($"JPEG-LS marker FF{code:X2} at byte {position - 2} has length {length}");
            if (position + length > data.Length) throw Truncated(scans, data.Length);
            position += length;

            if (code == StartOfScan)
            {
                scans++;
                position = SkipEntropyCodedData(data, position, scans);
            }
        }
    }

    /// <summary>
    /// Returns the position of the marker that ends a scan's entropy-coded data. Inside the data an FF byte is always
    /// followed by a byte below 0x80 (the encoder stuffs a zero bit, 14495-1 A.1); FF followed by 0x80 or more is a
    /// marker, and only RSTm markers continue the scan.
    /// </summary>
    private static int SkipEntropyCodedData(ReadOnlySpan<byte> data, int position, int scan)
    {
        while (true)
        {
            int found = data.Slice(position).IndexOf(MarkerStart);
            if (found < 0 || position + found + 1 >= data.Length) throw Truncated(scan, data.Length, insideScan: true);
            position += found;
            byte next = data[position + 1];
            if (next < 0x80 || next is >= 0xD0 and <= 0xD7)
            {
                position += 2;
                continue;
            }
            return position;
        }
    }

    private static CodecException Truncated(int scans, int length, bool insideScan = false) =>
        new(insideScan
            ? $"JPEG-LS codestream is truncated: its {length} bytes end inside scan {scans}, before the EOI marker"
            : $"JPEG-LS codestream is truncated: its {length} bytes end after {scans} scan(s) without an EOI marker");
}
