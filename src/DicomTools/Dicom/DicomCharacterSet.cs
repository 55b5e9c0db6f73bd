using System.Buffers;
using System.Collections.Concurrent;
using System.Text;

namespace DicomTools.Dicom;

/// <summary>
/// Decodes text values under a Specific Character Set (0008,0005) (PS3.5 6.1, PS3.3 C.12.1.1.2): single-byte sets,
/// ISO/IEC 2022 code extensions with escape sequences (Japanese, Korean, Chinese, mixed European sets) and the
/// stand-alone UTF-8, GB18030 and GBK. Instances are immutable and thread-safe, and cached per distinct value of the
/// attribute, so all files of a series share one.
/// </summary>
/// <remarks>
/// Reading is lenient where the bytes leave no doubt: misspelled terms are read as the Defined Term they stand for,
/// escape sequences are honoured even when (0008,0005) did not declare the set they name or has a single value, and
/// GR bytes met before any G1 designation are read in the first G1 set (0008,0005) declares (Korean modalities often
/// omit ESC $ ) C), else as Latin-1. Nothing here throws on bad input: undecodable bytes become U+FFFD.
/// </remarks>
internal sealed class DicomCharacterSet
{
    private const byte Escape = 0x1B;

    /// <summary>Distinct (0008,0005) values seen are few; the bound only stops hostile input growing the cache.</summary>
    private const int MaxCachedSets = 512;

    private static readonly ConcurrentDictionary<string, DicomCharacterSet> Cache = new(StringComparer.Ordinal);

    private readonly GraphicCharacterSet _initialG0;
    private readonly GraphicCharacterSet _initialG1;
    private readonly Encoding? _standAlone;
    private readonly bool _isLatin1WithoutEscapes;
    /// <summary>True when some value is an ISO 2022 term. Without code extensions, an ESC that does not start a
    /// designation we know (a terminal control sequence in a hostile header, say) is kept as it is, so the raw text
    /// stays reachable and the views show it escaped, instead of becoming U+FFFD and swallowing what follows.</summary>
    private readonly bool _codeExtensions;
    private readonly string[] _warnings;

    /// <summary>
    /// No Specific Character Set: the default repertoire ISO-IR 6 (PS3.5 6.1.2.1). Bytes above 0x7F, which the
    /// default repertoire does not have, are read as Latin-1 rather than rejected, as most writers that omit the
    /// attribute meant that.
    /// </summary>
    public static DicomCharacterSet Default { get; } = new(Array.Empty<string>(), GraphicCharacterSet.Ascii,
        GraphicCharacterSet.Latin1, null, Array.Empty<string>(), codeExtensions: false);

    private DicomCharacterSet(string[] terms, GraphicCharacterSet initialG0, GraphicCharacterSet initialG1,
        Encoding? standAlone, string[] warnings, bool codeExtensions)
    {
        _codeExtensions = codeExtensions;
        Terms = terms;
        _initialG0 = initialG0;
        _initialG1 = initialG1;
        _standAlone = standAlone;
        _warnings = warnings;
        _isLatin1WithoutEscapes = standAlone is null && initialG0 == GraphicCharacterSet.Ascii &&
            initialG1 == GraphicCharacterSet.Latin1;
    }

    /// <summary>
    /// The values of Specific Character Set this instance was made from, trimmed of padding, as the file spells them
    /// (misspellings included; the warnings tell how they were read). Empty for <see cref="Default"/>.
    /// </summary>
    public IReadOnlyList<string> Terms { get; }

    /// <summary>
    /// The character set for the values of (0008,0005). An absent or all-empty attribute gives <see cref="Default"/>.
    /// <paramref name="warn"/> hears every problem with the values (misspelled, unknown, or a stand-alone set mixed
    /// with others) each time such a value is passed, also when the instance comes from the cache. Never throws.
    /// </summary>
    public static DicomCharacterSet Get(IReadOnlyList<string> specificCharacterSetValues, Action<string>? warn = null)
    {
        if (specificCharacterSetValues is null || specificCharacterSetValues.Count == 0) return Default;
        var terms = new List<string>(specificCharacterSetValues.Count);
        var allEmpty = true;
        foreach (var value in specificCharacterSetValues)
        {
            // A caller that did not split the CS value at its delimiters still gets the right terms: no Defined
            // Term contains a backslash.
            foreach (var part in (value ?? string.Empty).Split('\\'))
            {
                var term = part.Trim(' ', '\0');
                terms.Add(term);
                allEmpty &= term.Length == 0;
            }
        }
        if (allEmpty) return Default;

        var key = string.Join('\\', terms);
        if (!Cache.TryGetValue(key, out var set))
        {
            set = Create(terms.ToArray());
            if (Cache.Count < MaxCachedSets) set = Cache.GetOrAdd(key, set);
        }
        if (warn is not null)
        {
            foreach (var message in set._warnings) warn(message);
        }
        return set;
    }

    /// <summary>
    /// Decodes a whole element value (all values with their '\' delimiters, padding kept: the caller splits and
    /// trims). Only the VRs whose text uses the Specific Character Set (SH, LO, ST, LT, PN, UC, UT) are decoded with
    /// it; any other VR (CS, AE, UI, DA ... or one the caller is unsure of) is read as ASCII, bytes above 0x7F as
    /// Latin-1, with escape sequences left as they are.
    /// </summary>
    public string Decode(ReadOnlySpan<byte> value, DicomVR vr)
    {
        if (value.IsEmpty) return string.Empty;
        if (!DicomVRInfo.UsesSpecificCharacterSet(vr)) return Encoding.Latin1.GetString(value);

        // Fast path: ASCII reads as ASCII in every set whose G0 starts as ISO-IR 6, and in UTF-8/GB18030/GBK.
        // Latin1.GetString allocates only the result.
        if (_standAlone is not null)
            return Ascii.IsValid(value) ? Encoding.Latin1.GetString(value) : _standAlone.GetString(value);
        if (_isLatin1WithoutEscapes && value.IndexOf(Escape) < 0) return Encoding.Latin1.GetString(value);
        if (_initialG0 == GraphicCharacterSet.Ascii && Ascii.IsValid(value) && value.IndexOf(Escape) < 0)
            return Encoding.Latin1.GetString(value);

        // Every path below yields at most one char per byte (escape sequences yield none, double-byte characters
        // one per two bytes), so the value's length bounds the buffer.
        char[]? rented = null;
        Span<char> buffer = value.Length <= 256
            ? stackalloc char[value.Length]
            : (rented = ArrayPool<char>.Shared.Rent(value.Length));
        try
        {
            var length = DecodeWithCodeExtensions(value, buffer, vr);
            return new string(buffer[..length]);
        }
        finally
        {
            if (rented is not null) ArrayPool<char>.Shared.Return(rented);
        }
    }

    public override string ToString() => Terms.Count == 0 ? "(default ISO_IR 6)" : string.Join('\\', Terms);

    /// <summary>
    /// The ISO 2022 state machine of PS3.5 6.1.2.5. G0 serves bytes 0x21..0x7E, G1 bytes 0xA0..0xFF; escape
    /// sequences redesignate either. Per 6.1.2.5.3 a writer must return to the initial sets (those of value 1)
    /// before every control character other than ESC (CR, LF, FF, TAB ...), before the '\' between values and before
    /// the '^' and '=' of PN, so the reader resets there too: whatever a value or name component does, the next one
    /// starts in the initial state. Those delimiters are recognised only while G0 holds ISO-IR 6 or 14, because in a
    /// double-byte G0 set (JIS X 0208, e.g. 松本 = 3E 3E 4B 5C) the same bytes are halves of characters.
    /// </summary>
    private int DecodeWithCodeExtensions(ReadOnlySpan<byte> source, Span<char> destination, DicomVR vr)
    {
        var backslashDelimits = !DicomVRInfo.IsSingleValuedText(vr);
        var isPersonName = vr == DicomVR.PN;
        var g0 = _initialG0;
        var g1 = _initialG1;
        var g0Cells = g0.Cells;
        var g1Cells = g1.Cells;
        var written = 0;
        var i = 0;
        while (i < source.Length)
        {
            var b = source[i];
            if (b >= 0xA0)
            {
                if (!g1.IsDoubleByte)
                {
                    destination[written++] = g1Cells[b & 0x7F];
                    i++;
                }
                else if (IsGraphicRight94(b) && i + 1 < source.Length && IsGraphicRight94(source[i + 1]))
                {
                    destination[written++] = g1Cells[GraphicCharacterSet.DoubleByteIndex(b, source[i + 1])];
                    i += 2;
                }
                else
                {
                    destination[written++] = GraphicCharacterSet.Replacement;
                    i++;
                }
            }
            else if (b is > 0x20 and < 0x7F)
            {
                if (g0.IsDoubleByte)
                {
                    if (i + 1 < source.Length && source[i + 1] is > 0x20 and < 0x7F)
                    {
                        destination[written++] = g0Cells[GraphicCharacterSet.DoubleByteIndex(b, source[i + 1])];
                        i += 2;
                    }
                    else
                    {
                        destination[written++] = GraphicCharacterSet.Replacement;
                        i++;
                    }
                }
                else if (g0.CarriesDelimiters &&
                         ((b == (byte)'\\' && backslashDelimits) || (isPersonName && b is (byte)'^' or (byte)'=')))
                {
                    // In ISO-IR 14 05/12 is YEN SIGN, but as the value delimiter it must stay '\' for the caller.
                    ResetToInitial(ref g0, ref g1, ref g0Cells, ref g1Cells);
                    destination[written++] = (char)b;
                    i++;
                }
                else
                {
                    destination[written++] = g0Cells[b];
                    i++;
                }
            }
            else if (b == (byte)' ')
            {
                // SPACE is 02/00 in every set DICOM uses, and the padding character, so it changes no state.
                destination[written++] = ' ';
                i++;
            }
            else if (b == Escape)
            {
                i = ApplyEscapeSequence(source, i, ref g0, ref g1, destination, ref written, keepUnknownRaw: !_codeExtensions);
                g0Cells = g0.Cells;
                g1Cells = g1.Cells;
            }
            else if (b >= 0x80)
            {
                // C1 controls (0x80..0x9F): DICOM does not use them (6.1.2.5.1); kept as their code points, as Latin-1 does.
                destination[written++] = (char)b;
                i++;
            }
            else
            {
                // C0 controls and DEL.
                ResetToInitial(ref g0, ref g1, ref g0Cells, ref g1Cells);
                destination[written++] = (char)b;
                i++;
            }
        }
        return written;
    }

    private static bool IsGraphicRight94(byte b) => b is > 0xA0 and < 0xFF;

    private void ResetToInitial(ref GraphicCharacterSet g0, ref GraphicCharacterSet g1, ref char[] g0Cells,
        ref char[] g1Cells)
    {
        if (g0 != _initialG0)
        {
            g0 = _initialG0;
            g0Cells = g0.Cells;
        }
        if (g1 != _initialG1)
        {
            g1 = _initialG1;
            g1Cells = g1.Cells;
        }
    }

    /// <summary>
    /// Consumes the escape sequence at <paramref name="start"/> (ISO 2022 syntax: ESC, intermediate bytes
    /// 02/00..02/15, one final byte 03/00..07/14) and applies the designation it names. A sequence that names no
    /// known set, or is cut off, leaves the state as it was and shows as one U+FFFD, so the loss is visible.
    /// </summary>
    private static int ApplyEscapeSequence(ReadOnlySpan<byte> source, int start, ref GraphicCharacterSet g0,
        ref GraphicCharacterSet g1, Span<char> destination, ref int written, bool keepUnknownRaw)
    {
        var end = start + 1;
        while (end < source.Length && source[end] is >= 0x20 and <= 0x2F) end++;
        var complete = end < source.Length && source[end] is >= 0x30 and <= 0x7E;
        if (complete && GraphicCharacterSet.TryGetDesignation(source[(start + 1)..end], source[end], out var set, out var intoG1))
        {
            if (intoG1) g1 = set;
            else g0 = set;
            return end + 1;
        }
        if (keepUnknownRaw)
        {
            destination[written++] = (char)Escape;
            return start + 1;
        }
        destination[written++] = GraphicCharacterSet.Replacement;
        return complete ? end + 1 : end;
    }

    private static DicomCharacterSet Create(string[] terms)
    {
        var warnings = new List<string>();
        var resolved = new SpecificCharacterSetTerm?[terms.Length];
        for (var i = 0; i < terms.Length; i++)
        {
            if (terms[i].Length == 0) continue;
            resolved[i] = SpecificCharacterSetTerms.Resolve(terms[i], out var corrected);
            if (resolved[i] is null)
            {
                warnings.Add(i == 0
                    ? $"Specific Character Set value '{terms[i]}' is not a known Defined Term; text is read as Latin-1 (ISO_IR 100)."
                    : $"Specific Character Set value {i + 1} '{terms[i]}' is not a known Defined Term; it is ignored.");
            }
            else if (corrected)
            {
                warnings.Add($"Specific Character Set value '{terms[i]}' is not a Defined Term; read as '{resolved[i]!.DefinedTerm}'.");
            }
        }

        // Value 1 gives the initial state (PS3.5 6.1.2.5.4): empty means ISO-IR 6 in G0 and G1 undefined.
        var first = terms[0].Length == 0
            ? SpecificCharacterSetTerms.Resolve("ISO 2022 IR 6", out _)!
            : resolved[0] ?? SpecificCharacterSetTerms.Resolve("ISO_IR 100", out _)!;

        // UTF-8, GB18030 and GBK allow no code extensions (6.1.2.5.4 d): as value 1 they rule alone; later they are
        // ignored, unless value 1 said nothing (empty or ISO-IR 6), where the writer can only have meant them.
        var standAlone = first.IsStandAlone ? first : null;
        for (var i = 1; i < terms.Length; i++)
        {
            var term = resolved[i];
            if (term is null) continue;
            if (first.IsStandAlone)
            {
                warnings.Add($"Specific Character Set '{first.DefinedTerm}' allows no code extensions; value {i + 1} '{terms[i]}' is ignored.");
            }
            else if (term.IsStandAlone)
            {
                if (standAlone is null && first.G1 is null && first.G0 == GraphicCharacterSet.Ascii)
                {
                    standAlone = term;
                    warnings.Add($"Specific Character Set '{term.DefinedTerm}' allows no code extensions and must be value 1; it is used for the whole text.");
                }
                else
                {
                    warnings.Add($"Specific Character Set '{term.DefinedTerm}' cannot be a code extension; value {i + 1} is ignored.");
                }
            }
        }

        Encoding? standAloneEncoding = null;
        if (standAlone is not null)
        {
            standAloneEncoding = standAlone.StandAloneCodePage == 65001
                ? new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false)
                : CodePageEncodings.TryGet(standAlone.StandAloneCodePage);
            if (standAloneEncoding is null)
                warnings.Add($"Specific Character Set '{standAlone.DefinedTerm}' is not available in this runtime; text is read as Latin-1.");
        }

        // G0 starts in a single-byte set; the double-byte G0 sets (JIS X 0208/0212) need an escape sequence even when
        // named in value 1. G1 starts as value 1 designates it; where value 1 leaves it undefined, GR bytes are read
        // in the first G1 set of the other values, else as Latin-1 (the lenient reading of ISO-IR 6).
        var initialG0 = first.G0 is { IsDoubleByte: false } ? first.G0 : GraphicCharacterSet.Ascii;
        var initialG1 = first.G1;
        for (var i = 1; initialG1 is null && i < terms.Length; i++)
        {
            if (resolved[i] is { IsStandAlone: false, G1: not null } extension) initialG1 = extension.G1;
        }
        initialG1 ??= GraphicCharacterSet.Latin1;

        var codeExtensions = resolved.Any(term => term?.DefinedTerm.StartsWith("ISO 2022", StringComparison.Ordinal) == true)
            || terms[0].Length == 0 && terms.Length > 1;
        return new DicomCharacterSet(terms, initialG0, initialG1, standAloneEncoding, warnings.ToArray(), codeExtensions);
    }
}
