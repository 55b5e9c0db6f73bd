using System.Text;

namespace DicomTools.Dicom;

/// <summary>
/// One ISO/IEC 2022 graphic character set (a "code element" that Specific Character Set or an escape sequence
/// designates into G0 or G1, PS3.3 Tables C.12-2..C.12-4): a single-byte 94/96-character set or a 94x94 double-byte
/// set. It is held as a table of UTF-16 code units indexed by the 7-bit position of its bytes, so the same table
/// serves whether the set is invoked in GL (bytes 0x21-0x7E) or GR (0xA0-0xFF), and decoding is one array read per
/// character. Cells a set does not define hold U+FFFD.
/// </summary>
internal sealed class GraphicCharacterSet
{
    public const char Replacement = '\uFFFD';

    /// <summary>Number of cells of a 94x94 set (rows and cells 0x21..0x7E).</summary>
    private const int DoubleByteCells = 94 * 94;

    private readonly Func<char[]> _build;
    private char[]? _cells;

    private GraphicCharacterSet(string name, bool isDoubleByte, Func<char[]> build)
    {
        Name = name;
        IsDoubleByte = isDoubleByte;
        _build = build;
    }

    /// <summary>ISO registration of the set, for messages (e.g. "ISO-IR 87").</summary>
    public string Name { get; }

    /// <summary>True for 94x94 sets, whose characters take two bytes.</summary>
    public bool IsDoubleByte { get; }

    /// <summary>
    /// True for ISO-IR 6 and ISO-IR 14, the sets whose 05/12, 05/14 and 03/13 are DICOM's delimiters '\', '^' and
    /// '='. In any other G0 set (katakana, the double-byte sets) those bytes are ordinary characters.
    /// </summary>
    public bool CarriesDelimiters => ReferenceEquals(this, Ascii) || ReferenceEquals(this, JisRoman);

    /// <summary>
    /// Single-byte sets: 128 entries indexed by <c>byte &amp; 0x7F</c>. Double-byte sets: 94*94 entries, see
    /// <see cref="DoubleByteIndex"/>. Built on first use: the double-byte tables cost a few milliseconds and most
    /// processes never meet Japanese, Korean or Chinese text. Building is deterministic, so a race that builds twice
    /// only wastes work.
    /// </summary>
    public char[] Cells => _cells ?? LazyInitializer.EnsureInitialized(ref _cells, _build);

    /// <summary>Table index of a two-byte character; both bytes, masked to 7 bits, must lie in 0x21..0x7E.</summary>
    public static int DoubleByteIndex(byte first, byte second) => ((first & 0x7F) - 0x21) * 94 + ((second & 0x7F) - 0x21);

    public override string ToString() => Name;

    // ---- the sets DICOM uses (PS3.3 C.12.1.1.2) -------------------------------------------------------------------

    /// <summary>ISO-IR 6, the DICOM default repertoire (ASCII graphic characters) for G0.</summary>
    public static readonly GraphicCharacterSet Ascii = new("ISO-IR 6", false, BuildAscii);

    /// <summary>
    /// ISO-IR 14, JIS X 0201 romaji, G0 of ISO_IR 13: ASCII except 05/12 YEN SIGN and 07/14 OVERLINE (PS3.5 H.1.1).
    /// Where 05/12 is the value delimiter the decoder turns it into '\' before reaching this table.
    /// </summary>
    public static readonly GraphicCharacterSet JisRoman = new("ISO-IR 14", false, () =>
    {
        var cells = BuildAscii();
        cells[0x5C] = '\u00A5';
        cells[0x7E] = '\u203E';
        return cells;
    });

    /// <summary>ISO-IR 13, JIS X 0201 katakana: 0x21..0x5F (GR 0xA1..0xDF) are the halfwidth katakana U+FF61..U+FF9F.</summary>
    public static readonly GraphicCharacterSet JisKatakana = new("ISO-IR 13", false, () =>
    {
        var cells = NewUndefined(128);
        for (var position = 0x21; position <= 0x5F; position++) cells[position] = (char)(0xFF61 + position - 0x21);
        return cells;
    });

    /// <summary>ISO-IR 100, the right half of ISO 8859-1: byte 0xA0+n is U+00A0+n.</summary>
    public static readonly GraphicCharacterSet Latin1 = new("ISO-IR 100", false, () =>
    {
        var cells = NewUndefined(128);
        for (var position = 0x20; position <= 0x7F; position++) cells[position] = (char)(0x80 + position);
        return cells;
    });

    public static readonly GraphicCharacterSet Latin2 = FromIso8859("ISO-IR 101", 28592);
    public static readonly GraphicCharacterSet Latin3 = FromIso8859("ISO-IR 109", 28593);
    public static readonly GraphicCharacterSet Latin4 = FromIso8859("ISO-IR 110", 28594);
    public static readonly GraphicCharacterSet Cyrillic = FromIso8859("ISO-IR 144", 28595);
    public static readonly GraphicCharacterSet Arabic = FromIso8859("ISO-IR 127", 28596);

    /// <summary>
    /// ISO 8859-7. Code page 28597 follows the 1987 table; the Unicode mapping of ISO 8859-7:2003 (Python's too) has
    /// quotation marks at 0xA1/0xA2 and adds the euro, drachma and ypogegrammeni signs, read here as well.
    /// </summary>
    public static readonly GraphicCharacterSet Greek = FromIso8859("ISO-IR 126", 28597,
        (0xA1, '\u2018'), (0xA2, '\u2019'), (0xA4, '\u20AC'), (0xA5, '\u20AF'), (0xAA, '\u037A'));

    /// <summary>
    /// ISO 8859-8. Code page 28598 has OVERLINE at 0xAF and lacks the direction marks; the Unicode mapping has
    /// MACRON and LRM/RLM at 0xFD/0xFE.
    /// </summary>
    public static readonly GraphicCharacterSet Hebrew = FromIso8859("ISO-IR 138", 28598,
        (0xAF, '\u00AF'), (0xFD, '\u200E'), (0xFE, '\u200F'));

    public static readonly GraphicCharacterSet Latin5 = FromIso8859("ISO-IR 148", 28599);
    public static readonly GraphicCharacterSet Latin9 = FromIso8859("ISO-IR 203", 28605);

    /// <summary>
    /// ISO-IR 166, TIS 620-2533 Thai: 0xA1..0xDA and 0xDF..0xFB are U+0E01..U+0E3A and U+0E3F..U+0E5B (the Thai
    /// block follows TIS 620 order). 0xA0 is read as NO-BREAK SPACE as ISO 8859-11 (TIS 620 plus NBSP) does, so text
    /// from Thai Windows software that uses it survives; the other unassigned bytes are U+FFFD.
    /// </summary>
    public static readonly GraphicCharacterSet Thai = new("ISO-IR 166", false, () =>
    {
        var cells = NewUndefined(128);
        cells[0x20] = '\u00A0';
        for (var position = 0x21; position <= 0x5A; position++) cells[position] = (char)(0x0E01 + position - 0x21);
        for (var position = 0x5F; position <= 0x7B; position++) cells[position] = (char)(0x0E01 + position - 0x21);
        return cells;
    });

    /// <summary>
    /// ISO-IR 87, JIS X 0208. Read through code page 20932 (EUC-JP, JIS X 0208-1990 + JIS X 0212-1990) by setting
    /// the high bit of both bytes: its mapping equals the JIS X 0208 Unicode mapping (checked cell by cell against
    /// Python's iso2022_jp codec); its vendor extensions (NEC row 13, IBM rows) are kept, private-use cells dropped.
    /// </summary>
    public static readonly GraphicCharacterSet JisX0208 = new("ISO-IR 87", true,
        () => BuildDoubleByte(20932, secondByteHigh: true));

    /// <summary>
    /// ISO-IR 159, JIS X 0212. Code page 20932 holds it with the first byte high and the second byte low (EUC-JP's
    /// three-byte 0x8F form is not supported by .NET's 51932). Two cells 20932 leaves out are set from the JIS X 0212
    /// mapping: 0x2237 TILDE and 0x2271 NUMERO SIGN.
    /// </summary>
    public static readonly GraphicCharacterSet JisX0212 = new("ISO-IR 159", true, () =>
    {
        var cells = BuildDoubleByte(20932, secondByteHigh: false);
        cells[DoubleByteIndex(0x22, 0x37)] = '\u007E';
        cells[DoubleByteIndex(0x22, 0x71)] = '\u2116';
        return cells;
    });

    /// <summary>ISO-IR 149, KS X 1001, through code page 949 (its GR x GR area is EUC-KR, same mapping as Python's euc_kr).</summary>
    public static readonly GraphicCharacterSet KsX1001 = new("ISO-IR 149", true,
        () => BuildDoubleByte(949, secondByteHigh: true));

    /// <summary>
    /// ISO-IR 58, GB 2312, through code page 936 (GBK, whose GR x GR area is EUC-CN). This gives GB 18030's mapping,
    /// so the same bytes read the same under ISO 2022 IR 58, GBK and GB18030; it differs from the original GB2312
    /// table in two cells: 0x2124 U+00B7 (not U+30FB) and 0x212A U+2014 (not U+2015).
    /// </summary>
    public static readonly GraphicCharacterSet Gb2312 = new("ISO-IR 58", true,
        () => BuildDoubleByte(936, secondByteHigh: true));

    /// <summary>
    /// The set an ISO 2022 designation escape sequence (ESC, intermediate bytes, final byte) names, and whether it goes
    /// to G1 (else G0). The standard sequences are those of PS3.3 Tables C.12-3 and C.12-4; also accepted, because the
    /// bytes can mean nothing else: JIS X 0208-1978 (ESC $ @), the long forms ESC $ ( B / ESC $ ( @, katakana into G0
    /// (ESC ( I), the G1 forms of the Japanese double-byte sets (PS3.5 Table H.1-2) and the G0 forms of the Korean and
    /// Chinese ones.
    /// </summary>
    public static bool TryGetDesignation(ReadOnlySpan<byte> intermediates, byte final, out GraphicCharacterSet set,
        out bool intoG1)
    {
        GraphicCharacterSet? found = null;
        intoG1 = false;
        if (intermediates.Length == 1)
        {
            switch (intermediates[0])
            {
                case (byte)'(': // G0-designate 94-set
                    found = final switch { (byte)'B' => Ascii, (byte)'J' => JisRoman, (byte)'I' => JisKatakana, _ => null };
                    break;
                case (byte)')': // G1-designate 94-set
                    intoG1 = true;
                    found = final == (byte)'I' ? JisKatakana : null;
                    break;
                case (byte)'-': // G1-designate 96-set
                    intoG1 = true;
                    found = final switch
                    {
                        (byte)'A' => Latin1,
                        (byte)'B' => Latin2,
                        (byte)'C' => Latin3,
                        (byte)'D' => Latin4,
                        (byte)'L' => Cyrillic,
                        (byte)'G' => Arabic,
                        (byte)'F' => Greek,
                        (byte)'H' => Hebrew,
                        (byte)'M' => Latin5,
                        (byte)'b' => Latin9,
                        (byte)'T' => Thai,
                        _ => null,
                    };
                    break;
                case (byte)'$': // G0-designate multi-byte 94-set, short form (ISO 2022: only finals 04/00..04/02)
                    found = final switch { (byte)'B' or (byte)'@' => JisX0208, (byte)'A' => Gb2312, _ => null };
                    break;
            }
        }
        else if (intermediates.Length == 2 && intermediates[0] == (byte)'$' && intermediates[1] is (byte)'(' or (byte)')')
        {
            intoG1 = intermediates[1] == (byte)')';
            found = final switch
            {
                (byte)'B' or (byte)'@' => JisX0208,
                (byte)'D' => JisX0212,
                (byte)'C' => KsX1001,
                (byte)'A' => Gb2312,
                _ => null,
            };
        }
        set = found!;
        return found is not null;
    }

    // ---- table builders ---------------------------------------------------------------------------------------------

    private static char[] NewUndefined(int length)
    {
        var cells = new char[length];
        Array.Fill(cells, Replacement);
        return cells;
    }

    private static char[] BuildAscii()
    {
        var cells = NewUndefined(128);
        for (var position = 0x20; position <= 0x7E; position++) cells[position] = (char)position;
        return cells;
    }

    /// <summary>
    /// A right half of ISO 8859 from the runtime's code page, with unassigned bytes as U+FFFD, corrected where the
    /// code page departs from the Unicode mapping tables of the current ISO 8859 parts.
    /// </summary>
    private static GraphicCharacterSet FromIso8859(string name, int codePage,
        params (int Byte, char Char)[] unicodeMapping) =>
        new(name, false, () => BuildIso8859(codePage, unicodeMapping));

    private static char[] BuildIso8859(int codePage, (int Byte, char Char)[] unicodeMapping)
    {
        var cells = NewUndefined(128);
        var encoding = CodePageEncodings.TryGet(codePage);
        if (encoding is null) return cells;
        Span<byte> bytes = stackalloc byte[96];
        for (var i = 0; i < 96; i++) bytes[i] = (byte)(0xA0 + i);
        Span<char> chars = stackalloc char[96];
        // One char per byte in every ISO 8859 code page, so positions line up.
        if (encoding.GetChars(bytes, chars) != 96) return cells;
        for (var i = 0; i < 96; i++) cells[0x20 + i] = Accept(chars[i]);
        foreach (var (b, c) in unicodeMapping) cells[b & 0x7F] = c;
        return cells;
    }

    /// <summary>
    /// A 94x94 table read cell by cell through an EUC-style code page: row and cell bytes with the high bit set
    /// (or only the row byte, for 20932's JIS X 0212 form). A cell counts only when it decodes to exactly one
    /// non-private character; anything else is U+FFFD.
    /// </summary>
    private static char[] BuildDoubleByte(int codePage, bool secondByteHigh)
    {
        var cells = NewUndefined(DoubleByteCells);
        var encoding = CodePageEncodings.TryGet(codePage);
        if (encoding is null) return cells;
        Span<byte> pair = stackalloc byte[2];
        Span<char> decoded = stackalloc char[4];
        for (var row = 0x21; row <= 0x7E; row++)
        {
            for (var cell = 0x21; cell <= 0x7E; cell++)
            {
                pair[0] = (byte)(row | 0x80);
                pair[1] = (byte)(secondByteHigh ? cell | 0x80 : cell);
                var count = encoding.GetChars(pair, decoded);
                if (count == 1) cells[(row - 0x21) * 94 + (cell - 0x21)] = Accept(decoded[0]);
            }
        }
        return cells;
    }

    /// <summary>
    /// Windows code pages fill unassigned positions with private-use characters; those are not the character set's
    /// characters, so they (and surrogates, which cannot stand alone) become U+FFFD.
    /// </summary>
    private static char Accept(char c) => c is >= '\uE000' and <= '\uF8FF' || char.IsSurrogate(c) ? Replacement : c;
}
