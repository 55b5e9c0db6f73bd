using System.Text;

namespace DicomTools.Dicom;

/// <summary>What one Defined Term of Specific Character Set (0008,0005) designates (PS3.3 C.12.1.1.2).</summary>
/// <param name="DefinedTerm">The term as the standard spells it.</param>
/// <param name="G0">Set designated to G0 (single-byte ones also start there when the term is value 1), or null.</param>
/// <param name="G1">Set designated to G1, or null.</param>
/// <param name="StandAloneCodePage">
/// Code page of a term that allows no code extensions (UTF-8, GB18030, GBK, PS3.5 6.1.2.5.4 d), else 0.
/// </param>
internal sealed record SpecificCharacterSetTerm(
    string DefinedTerm, GraphicCharacterSet? G0, GraphicCharacterSet? G1, int StandAloneCodePage = 0)
{
    public bool IsStandAlone => StandAloneCodePage != 0;
}

/// <summary>
/// The Defined Terms of Specific Character Set and the reading of misspelled ones. Real files carry terms such as
/// "ISO-IR 100", "ISO_IR100", "iso_ir 100", "ISO2022IR87" or codec names like "latin1" and "UTF-8"; when the intent
/// is unambiguous the term is read as the Defined Term it stands for (and the caller is told).
/// </summary>
internal static class SpecificCharacterSetTerms
{
    private static readonly Dictionary<string, SpecificCharacterSetTerm> ByDefinedTerm = BuildDefinedTerms();

    /// <summary>Codec and common names, keyed by their compact form (upper case, letters and digits only).</summary>
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["ASCII"] = "ISO_IR 6", ["USASCII"] = "ISO_IR 6", ["ISO646"] = "ISO_IR 6", ["ISO646US"] = "ISO_IR 6",
        ["LATIN1"] = "ISO_IR 100", ["L1"] = "ISO_IR 100", ["ISO8859"] = "ISO_IR 100", ["CP819"] = "ISO_IR 100",
        ["LATIN2"] = "ISO_IR 101", ["L2"] = "ISO_IR 101",
        ["LATIN3"] = "ISO_IR 109", ["L3"] = "ISO_IR 109",
        ["LATIN4"] = "ISO_IR 110", ["L4"] = "ISO_IR 110",
        ["CYRILLIC"] = "ISO_IR 144",
        ["ARABIC"] = "ISO_IR 127",
        ["GREEK"] = "ISO_IR 126",
        ["HEBREW"] = "ISO_IR 138",
        ["LATIN5"] = "ISO_IR 148", ["L5"] = "ISO_IR 148",
        ["LATIN9"] = "ISO_IR 203", ["L9"] = "ISO_IR 203",
        ["TIS620"] = "ISO_IR 166", ["THAI"] = "ISO_IR 166",
        ["UTF8"] = "ISO_IR 192",
        ["GB18030"] = "GB18030",
        ["GBK"] = "GBK", ["CP936"] = "GBK", ["ISO2022GBK"] = "GBK",
        ["GB2312"] = "ISO 2022 IR 58", ["EUCCN"] = "ISO 2022 IR 58",
        ["EUCKR"] = "ISO 2022 IR 149", ["KSC5601"] = "ISO 2022 IR 149", ["KSX1001"] = "ISO 2022 IR 149",
    };

    /// <summary>ISO 8859 part number to the ISO-IR number DICOM names it by.</summary>
    private static readonly Dictionary<int, int> Iso8859PartToIsoIr = new()
    {
        [1] = 100, [2] = 101, [3] = 109, [4] = 110, [5] = 144, [6] = 127, [7] = 126, [8] = 138, [9] = 148,
        [11] = 166, [15] = 203,
    };

    private static readonly int[] SingleByteIsoIrNumbers = { 6, 100, 101, 109, 110, 144, 127, 126, 138, 148, 203, 13, 166 };
    private static readonly int[] MultiByteIsoIrNumbers = { 87, 159, 149, 58 };

    /// <summary>
    /// The term a (trimmed, non-empty) value of Specific Character Set stands for, or null when unknown.
    /// <paramref name="corrected"/> is true when the value is not spelled as the Defined Term.
    /// </summary>
    public static SpecificCharacterSetTerm? Resolve(string value, out bool corrected)
    {
        corrected = false;
        if (ByDefinedTerm.TryGetValue(value, out var exact)) return exact;
        corrected = true;
        var definedTerm = CorrectSpelling(value);
        return definedTerm is not null && ByDefinedTerm.TryGetValue(definedTerm, out var term) ? term : null;
    }

    /// <summary>
    /// Reads a misspelled term by its letters and digits alone: "ISO IR n"-like spellings name the single-valued
    /// term ISO_IR n for the sets that have one (and ISO 2022 IR n for the multi-byte sets, which only exist with
    /// code extensions); "ISO 2022 (IR) n"-like spellings name ISO 2022 IR n; ISO 8859-n and codec names map by table.
    /// </summary>
    private static string? CorrectSpelling(string value)
    {
        var compact = Compact(value);
        if (compact.Length == 0) return null;
        if (Aliases.TryGetValue(compact, out var alias)) return alias;

        if (TrySplitNumber(compact, "ISO2022IR", out var number) || TrySplitNumber(compact, "ISO2022", out number))
        {
            if (number == 192) return "ISO_IR 192";
            return Array.IndexOf(SingleByteIsoIrNumbers, number) >= 0 || Array.IndexOf(MultiByteIsoIrNumbers, number) >= 0
                ? "ISO 2022 IR " + number
                : null;
        }
        if (TrySplitNumber(compact, "ISOIR", out number) || TrySplitNumber(compact, "IR", out number))
        {
            if (number == 192 || Array.IndexOf(SingleByteIsoIrNumbers, number) >= 0) return "ISO_IR " + number;
            return Array.IndexOf(MultiByteIsoIrNumbers, number) >= 0 ? "ISO 2022 IR " + number : null;
        }
        if (TrySplitNumber(compact, "ISO8859", out number) || TrySplitNumber(compact, "8859", out number))
            return Iso8859PartToIsoIr.TryGetValue(number, out var isoIr) ? "ISO_IR " + isoIr : null;
        return null;
    }

    private static string Compact(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (char.IsAsciiLetterOrDigit(c)) builder.Append(char.ToUpperInvariant(c));
        }
        return builder.ToString();
    }

    private static bool TrySplitNumber(string compact, string prefix, out int number)
    {
        number = 0;
        if (!compact.StartsWith(prefix, StringComparison.Ordinal) || compact.Length == prefix.Length ||
            compact.Length - prefix.Length > 3) return false;
        for (var i = prefix.Length; i < compact.Length; i++)
        {
            if (!char.IsAsciiDigit(compact[i])) return false;
            number = number * 10 + (compact[i] - '0');
        }
        return true;
    }

    private static Dictionary<string, SpecificCharacterSetTerm> BuildDefinedTerms()
    {
        var terms = new Dictionary<string, SpecificCharacterSetTerm>(StringComparer.Ordinal);

        // Single-byte sets: the same designation with (Table C.12-3) and without (Table C.12-2) code extensions.
        void SingleByte(int isoIr, GraphicCharacterSet g0, GraphicCharacterSet? g1)
        {
            foreach (var term in new[] { "ISO_IR " + isoIr, "ISO 2022 IR " + isoIr })
                terms[term] = new SpecificCharacterSetTerm(term, g0, g1);
        }

        SingleByte(6, GraphicCharacterSet.Ascii, null);
        SingleByte(100, GraphicCharacterSet.Ascii, GraphicCharacterSet.Latin1);
        SingleByte(101, GraphicCharacterSet.Ascii, GraphicCharacterSet.Latin2);
        SingleByte(109, GraphicCharacterSet.Ascii, GraphicCharacterSet.Latin3);
        SingleByte(110, GraphicCharacterSet.Ascii, GraphicCharacterSet.Latin4);
        SingleByte(144, GraphicCharacterSet.Ascii, GraphicCharacterSet.Cyrillic);
        SingleByte(127, GraphicCharacterSet.Ascii, GraphicCharacterSet.Arabic);
        SingleByte(126, GraphicCharacterSet.Ascii, GraphicCharacterSet.Greek);
        SingleByte(138, GraphicCharacterSet.Ascii, GraphicCharacterSet.Hebrew);
        SingleByte(148, GraphicCharacterSet.Ascii, GraphicCharacterSet.Latin5);
        SingleByte(203, GraphicCharacterSet.Ascii, GraphicCharacterSet.Latin9);
        SingleByte(13, GraphicCharacterSet.JisRoman, GraphicCharacterSet.JisKatakana);
        SingleByte(166, GraphicCharacterSet.Ascii, GraphicCharacterSet.Thai);

        // Multi-byte sets with code extensions (Table C.12-4).
        terms["ISO 2022 IR 87"] = new("ISO 2022 IR 87", GraphicCharacterSet.JisX0208, null);
        terms["ISO 2022 IR 159"] = new("ISO 2022 IR 159", GraphicCharacterSet.JisX0212, null);
        terms["ISO 2022 IR 149"] = new("ISO 2022 IR 149", null, GraphicCharacterSet.KsX1001);
        terms["ISO 2022 IR 58"] = new("ISO 2022 IR 58", null, GraphicCharacterSet.Gb2312);

        // Multi-byte sets without code extensions (Table C.12-5).
        terms["ISO_IR 192"] = new("ISO_IR 192", null, null, 65001);
        terms["GB18030"] = new("GB18030", null, null, 54936);
        terms["GBK"] = new("GBK", null, null, 936);
        return terms;
    }
}
