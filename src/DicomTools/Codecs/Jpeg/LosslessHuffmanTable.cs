namespace DicomTools.Codecs.Jpeg;

/// <summary>
/// A DC-class Huffman table (T.81 Annex C) prepared for lossless decoding. Codes of up to
/// <see cref="LookaheadBits"/> bits are found with one table look-up; when the code and its SSSS extra bits both
/// fit in the look-ahead, the entry already holds the signed difference, so the common case costs one look-up and
/// one shift. Longer codes fall back to the canonical search of T.81 F.2.2.3.
/// </summary>
internal sealed class LosslessHuffmanTable
{
    public const int LookaheadBits = 10;

    // Fast entry layout: bits 0-7 bits to consume; bit 8 set when only the SSSS category is known (extra bits
    // still to read); bits 16-31 the signed difference, or SSSS when bit 8 is set. 0 means "not in the table".
    public const int CategoryOnlyFlag = 0x100;

    private readonly int[] _fast = new int[1 << LookaheadBits];

    // Canonical decoding, indexed by code length 1..16 (T.81 F.2.2.3): largest code of each length (-1 when
    // none), and the offset that turns a code of that length into an index of _values.
    private readonly int[] _maxCode = new int[18];
    private readonly int[] _valueOffset = new int[17];
    private readonly byte[] _values;

    public int[] Fast => _fast;

    private LosslessHuffmanTable(byte[] values) => _values = values;

    /// <summary>
    /// Builds a table from the 16 code-length counts (BITS) and the symbols (HUFFVAL) of a DHT segment. Fails when
    /// the counts describe more codes than fit their lengths, which a damaged DHT can claim.
    /// </summary>
    public static LosslessHuffmanTable Build(ReadOnlySpan<byte> counts, ReadOnlySpan<byte> symbols, Func<string, CodecException> fail)
    {
        var table = new LosslessHuffmanTable(symbols.ToArray());
        int code = 0;
        int symbolIndex = 0;
        for (int length = 1; length <= 16; length++)
        {
            int count = counts[length - 1];
            table._valueOffset[length] = symbolIndex - code;
            if (count == 0)
            {
                table._maxCode[length] = -1;
            }
            else
            {
                if (code + count > (1 << length))
                    throw fail($"Huffman table assigns {count} codes of length {length}, more than that length can hold");
                for (int i = 0; i < count; i++, code++, symbolIndex++)
                {
                    if (length <= LookaheadBits) table.FillFastEntries(code, length, symbols[symbolIndex]);
                }
                table._maxCode[length] = code - 1;
            }
            code <<= 1;
        }
        table._maxCode[17] = int.MaxValue; // sentinel: the canonical search always stops
        return table;
    }

    private void FillFastEntries(int code, int codeLength, byte category)
    {
        if (category > 16) return; // not a lossless difference category: leave 0 so decoding reports it
        int spare = LookaheadBits - codeLength;
        int first = code << spare;
        for (int suffix = 0; suffix < (1 << spare); suffix++)
        {
            int entry;
            if (category == 0)
            {
                entry = codeLength; // difference 0
            }
            else if (category == 16)
            {
                entry = codeLength | (-32768 << 16); // T.81 H.1.2.2: SSSS 16 means 32768 and has no extra bits
            }
            else if (codeLength + category <= LookaheadBits)
            {
                int extra = (suffix >> (spare - category)) & ((1 << category) - 1);
                entry = (codeLength + category) | (ExtendDifference(extra, category) << 16);
            }
            else
            {
                entry = codeLength | CategoryOnlyFlag | (category << 16);
            }
            _fast[first + suffix] = entry;
        }
    }

    /// <summary>T.81 F.2.2.1 EXTEND: the SSSS extra bits give the difference, leading 0 meaning negative.</summary>
    public static int ExtendDifference(int bits, int category) =>
        bits < (1 << (category - 1)) ? bits - (1 << category) + 1 : bits;

    /// <summary>
    /// Canonical search for a code longer than the look-ahead. <paramref name="leftAlignedBits"/> holds at least
    /// 16 valid bits at the top. Returns the symbol and its code length, or -1 when no code matches.
    /// </summary>
    public int DecodeLongCode(ulong leftAlignedBits, out int codeLength)
    {
        for (int length = LookaheadBits + 1; length <= 16; length++)
        {
            int code = (int)(leftAlignedBits >> (64 - length));
            if (code <= _maxCode[length])
            {
                codeLength = length;
                int index = code + _valueOffset[length];
                return (uint)index < (uint)_values.Length ? _values[index] : -1;
            }
        }
        codeLength = 0;
        return -1;
    }
}
