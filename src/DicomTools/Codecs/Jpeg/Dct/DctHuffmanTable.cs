namespace DicomTools.Codecs.Jpeg.Dct;

/// <summary>
/// A Huffman table of a DCT scan (T.81 Annex C, F.2.2.3) with a look-ahead table over the next
/// <see cref="LookaheadBits"/> bits. A DC table's symbol is the size SSSS of the difference; an AC table's is
/// RRRRSSSS (zero run, size). When the code and the SSSS extra bits that follow it both fit in the look-ahead, the
/// entry already holds the extended value, so the common coefficient costs one look-up and one shift (the idea of
/// libjpeg-turbo's combined AC look-up). Codes longer than the look-ahead fall back to the canonical search of the
/// lossless decoder's table (<see cref="LosslessHuffmanTable.DecodeLongCode"/>), which this one wraps.
/// </summary>
internal sealed class DctHuffmanTable
{
    public const int LookaheadBits = LosslessHuffmanTable.LookaheadBits;

    // Entry layout: bits 0-4 bits to consume; bit 7 set when the value is complete (code and extra bits consumed
    // together); bits 8-15 the symbol; bits 16-31 the signed value when bit 7 is set. 0: no code of at most
    // LookaheadBits bits starts here (use the canonical search).
    public const int ValueFlag = 0x80;

    private readonly int[] _fast = new int[1 << LookaheadBits];

    private DctHuffmanTable(LosslessHuffmanTable canonical) => Canonical = canonical;

    public int[] Fast => _fast;

    public LosslessHuffmanTable Canonical { get; }

    /// <summary>
    /// Builds a table from the code-length counts and symbols of a DHT segment. <paramref name="isAc"/> says how
    /// the symbols are read: RRRRSSSS (AC class) or SSSS (DC class).
    /// </summary>
    public static DctHuffmanTable Build(ReadOnlySpan<byte> counts, ReadOnlySpan<byte> symbols, bool isAc, Func<string, CodecException> fail)
    {
        var table = new DctHuffmanTable(LosslessHuffmanTable.Build(counts, symbols, fail));
        int code = 0, symbolIndex = 0;
        for (int length = 1; length <= LookaheadBits; length++)
        {
            for (int i = 0; i < counts[length - 1]; i++, code++, symbolIndex++)
                table.Fill(code, length, symbols[symbolIndex], isAc);
            code <<= 1;
        }
        return table;
    }

    private void Fill(int code, int codeLength, byte symbol, bool isAc)
    {
        int size = isAc ? symbol & 0x0F : symbol;
        int spare = LookaheadBits - codeLength;
        int first = code << spare;
        for (int suffix = 0; suffix < (1 << spare); suffix++)
        {
            int entry = codeLength | (symbol << 8);
            if (size == 0 && !isAc)
            {
                entry |= ValueFlag; // a DC difference of 0 has no extra bits
            }
            else if (size != 0 && size <= 16 && codeLength + size <= LookaheadBits)
            {
                int extra = (suffix >> (spare - size)) & ((1 << size) - 1);
                entry = (codeLength + size) | ValueFlag | (symbol << 8) | (Extend(extra, size) << 16);
            }
            _fast[first + suffix] = entry;
        }
    }

    /// <summary>T.81 F.2.2.1 EXTEND: SSSS extra bits to a signed value, a leading 0 meaning negative.</summary>
    public static int Extend(int bits, int size) => bits < (1 << (size - 1)) ? bits - (1 << size) + 1 : bits;
}
