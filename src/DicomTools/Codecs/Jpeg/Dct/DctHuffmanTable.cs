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

    // The tables a thread built last, keyed by their DHT bytes: the frames of one file (and of a series) nearly
    // always carry the same tables, so each frame finds its tables here instead of allocating and filling about
    // 8 KB per table again. Thread-static: no lock, and a table is read-only once built.
    private const int CacheSize = 24;
    [ThreadStatic] private static (byte[] Key, DctHuffmanTable Table)[]? t_cache;
    [ThreadStatic] private static int t_next;

    /// <summary>
    /// <see cref="Build"/>, or the table this thread built last from the same DHT bytes (<paramref name="definition"/>:
    /// the 16 counts and the symbols, as in the segment).
    /// </summary>
    public static DctHuffmanTable Cached(ReadOnlySpan<byte> definition, bool isAc, Func<string, CodecException> fail)
    {
        var cache = t_cache ??= new (byte[], DctHuffmanTable)[CacheSize];
        foreach (var (key, table) in cache)
        {
            // The class is part of the key: the same bytes read as DC and as AC symbols make different tables.
            if (key is not null && key[0] == (isAc ? 1 : 0) && definition.SequenceEqual(key.AsSpan(1))) return table;
        }
        DctHuffmanTable built = Build(definition.Slice(0, 16), definition.Slice(16), isAc, fail);
        var stored = new byte[definition.Length + 1];
        stored[0] = (byte)(isAc ? 1 : 0);
        definition.CopyTo(stored.AsSpan(1));
        cache[t_next] = (stored, built);
        t_next = (t_next + 1) % CacheSize;
        return built;
    }

    /// <summary>T.81 F.2.2.1 EXTEND: SSSS extra bits to a signed value, a leading 0 meaning negative.</summary>
    public static int Extend(int bits, int size) => bits < (1 << (size - 1)) ? bits - (1 << size) + 1 : bits;
}
