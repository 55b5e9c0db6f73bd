using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;
using System.Text;
using DicomTools.Dicom.Generated;

namespace DicomTools.Dicom;

/// <summary>
/// One data element of the PS3.6 registry, or one rule that covers many tags: a repeating group such as
/// (60xx,3000), group length (gggg,0000) or private creator (odd gggg,0010-00FF).
/// </summary>
internal sealed class DicomDictionaryEntry
{
    private readonly ReadOnlyCollection<DicomVR> _valueRepresentations;

    internal DicomDictionaryEntry(DicomTag tag, uint mask, string keyword, string name,
        ReadOnlyCollection<DicomVR> valueRepresentations, string valueRepresentationText, string valueMultiplicity,
        bool isRetired)
    {
        Tag = tag;
        Mask = mask;
        PatternValue = tag.Value & mask;
        Keyword = keyword;
        Name = name;
        _valueRepresentations = valueRepresentations; // shared by every entry with the same VR text
        ValueRepresentationText = valueRepresentationText;
        ValueMultiplicity = valueMultiplicity;
        IsRetired = isRetired;
    }

    /// <summary>
    /// The tag; for a repeating group, its lowest member that <see cref="DicomDictionary.Lookup"/> resolves to this
    /// entry: (6000,3000) for Overlay Data (60xx,3000), but (0028,0410) for (0028,04x0), whose (0028,0400) is
    /// Transform Label, and (1000,0010) for (1000,xxx0), whose (1000,0000) is a group length.
    /// </summary>
    public DicomTag Tag { get; }

    /// <summary>
    /// Bits of a tag that must equal <see cref="Tag"/>'s for the entry to apply: 0xFFFFFFFF for an ordinary
    /// element, 0xFF00FFFF for (60xx,3000), 0xFFFF000F for (1000,xxx0). The private-creator rule further needs
    /// element 0x0010-0x00FF, which a mask cannot say.
    /// </summary>
    public uint Mask { get; }

    /// <summary>The bits a matching tag has under <see cref="Mask"/>.</summary>
    internal uint PatternValue { get; }

    /// <summary>A copy standing for another member of the same repeating group.</summary>
    internal DicomDictionaryEntry WithTag(DicomTag tag) => new(tag, Mask, Keyword, Name, _valueRepresentations,
        ValueRepresentationText, ValueMultiplicity, IsRetired);

    /// <summary>PS3.6 keyword, e.g. "PatientName".</summary>
    public string Keyword { get; }

    /// <summary>PS3.6 name, e.g. "Patient's Name".</summary>
    public string Name { get; }

    /// <summary>
    /// The VRs PS3.6 allows, never empty. The first is the one to assume in Implicit VR: OW whenever OW is allowed
    /// (PS3.5 A.1 encodes Pixel Data, Overlay Data, LUT Data and Waveform Data as OW there), otherwise PS3.6's
    /// first (US for "US or SS": the reader resolves it from Pixel Representation). Items and delimiters have
    /// <see cref="DicomVR.None"/>.
    /// </summary>
    public IReadOnlyList<DicomVR> ValueRepresentations => _valueRepresentations;

    /// <summary>The VR to assume in Implicit VR: the first of <see cref="ValueRepresentations"/>.</summary>
    public DicomVR DefaultVR => _valueRepresentations[0];

    /// <summary>True when PS3.6 allows more than one VR ("US or SS", "OB or OW", "US or SS or OW").</summary>
    public bool HasMultipleVRs => _valueRepresentations.Count > 1;

    /// <summary>The VR column as PS3.6 writes it: "PN", "OB or OW", "US or SS or OW", "NONE" for items.</summary>
    public string ValueRepresentationText { get; }

    /// <summary>PS3.6 value multiplicity: "1", "2", "1-n", "2-2n", "1-32", ...</summary>
    public string ValueMultiplicity { get; }

    public bool IsRetired { get; }

    /// <summary>True for an entry that covers more than one tag (repeating group, group length, private creator).</summary>
    public bool IsRepeatingGroup => Mask != uint.MaxValue;

    /// <summary>The tag as PS3.6 writes it, with 'x' for digits a repeating group leaves free: "(60xx,3000)".</summary>
    public string TagPattern
    {
        get
        {
            Span<char> text = stackalloc char[11];
            text[0] = '(';
            text[5] = ',';
            text[10] = ')';
            for (var digit = 0; digit < 8; digit++)
            {
                var shift = 28 - 4 * digit;
                var position = digit < 4 ? 1 + digit : 2 + digit;
                text[position] = ((Mask >> shift) & 0xF) == 0xF
                    ? "0123456789ABCDEF"[(int)((Tag.Value >> shift) & 0xF)]
                    : 'x';
            }
            return new string(text);
        }
    }

    public override string ToString() =>
        $"{TagPattern} {Keyword} {ValueRepresentationText} {ValueMultiplicity}{(IsRetired ? " (retired)" : "")}";
}

/// <summary>
/// The DICOM data dictionary (PS3.6 data elements, current and retired, with repeating groups), generated from a
/// public transcription of the standard by tools/dictionary/generate.py. The table is parsed once, on first use,
/// into immutable maps; every look-up after that is thread-safe and allocates nothing.
/// </summary>
internal static class DicomDictionary
{
    /// <summary>Which edition and transcription the data come from.</summary>
    public static string Source => DicomDictionaryData.Source;

    /// <summary>
    /// The rule for (gggg,0000) in any group without a specific entry: Group Length, UL, VM 1 (PS3.5 7.2).
    /// <see cref="DicomDictionaryEntry.Tag"/> is (0000,0000) and the mask 0x0000FFFF.
    /// </summary>
    public static DicomDictionaryEntry GroupLength { get; } = new(
        new DicomTag(0x0000, 0x0000), 0x0000FFFF, "GroupLength", "Group Length", Array.AsReadOnly(new[] { DicomVR.UL }), "UL", "1", false);

    /// <summary>
    /// The rule for private creator elements (odd private group, element 0x0010-0x00FF): LO, VM 1 (PS3.5 7.8.1).
    /// </summary>
    public static DicomDictionaryEntry PrivateCreator { get; } = new(
        new DicomTag(0x0009, 0x0010), 0x0001FF00, "PrivateCreator", "Private Creator", Array.AsReadOnly(new[] { DicomVR.LO }), "LO", "1", false);

    /// <summary>
    /// The entry for a tag: its own entry if PS3.6 lists it, else <see cref="GroupLength"/> for (gggg,0000), else
    /// <see cref="PrivateCreator"/> for a private creator element, else the repeating group that covers it
    /// ((6002,3000) finds (60xx,3000) Overlay Data). Null for an unknown tag, including every private data element
    /// and odd groups inside the repeating ranges (which are private, not overlays).
    /// </summary>
    public static DicomDictionaryEntry? Lookup(DicomTag tag)
    {
        var tables = Tables.Instance;
        if (tables.Exact.TryGetValue(tag.Value, out var entry)) return entry;
        if (tag.IsGroupLength) return GroupLength;
        if (tag.IsPrivate) return tag.IsPrivateCreator ? PrivateCreator : null;
        foreach (var candidate in tables.Masked)
        {
            if ((tag.Value & candidate.Mask) == candidate.PatternValue) return candidate;
        }
        return null;
    }

    /// <summary>Like <see cref="Lookup"/>, as a Try pattern.</summary>
    public static bool TryLookup(DicomTag tag, [NotNullWhen(true)] out DicomDictionaryEntry? entry)
    {
        entry = Lookup(tag);
        return entry is not null;
    }

    /// <summary>
    /// The VR to read an Implicit VR element with: the entry's <see cref="DicomDictionaryEntry.DefaultVR"/>, or UN
    /// for a tag the dictionary does not know (PS3.5 6.2.2). Items and delimiters give <see cref="DicomVR.None"/>.
    /// </summary>
    public static DicomVR GetImplicitVR(DicomTag tag) => Lookup(tag)?.DefaultVR ?? DicomVR.UN;

    /// <summary>
    /// The tag a keyword names. Keywords are matched ignoring case (PS3.6 keywords never differ only by case; the
    /// generator checks). A repeating group's keyword gives its lowest tag: "OverlayData" is (6000,3000).
    /// </summary>
    public static bool TryGetTag(string? keyword, out DicomTag tag)
    {
        if (TryGetEntry(keyword, out var entry))
        {
            tag = entry.Tag;
            return true;
        }
        tag = default;
        return false;
    }

    /// <summary>The entry a keyword names, ignoring case; see <see cref="TryGetTag"/>.</summary>
    public static bool TryGetEntry(string? keyword, [NotNullWhen(true)] out DicomDictionaryEntry? entry)
    {
        entry = null;
        return keyword is not null && KeywordTables.Instance.ByKeyword.TryGetValue(keyword, out entry);
    }

    /// <summary>
    /// Every keyword, for tab completion: current ones first in ordinal order, then the retired ones in ordinal
    /// order (<see cref="CurrentKeywordCount"/> tells where the retired ones start).
    /// </summary>
    public static IReadOnlyList<string> Keywords => KeywordTables.Instance.Keywords;

    /// <summary>How many of <see cref="Keywords"/>, from the start, are not retired.</summary>
    public static int CurrentKeywordCount => KeywordTables.Instance.CurrentKeywordCount;

    /// <summary>
    /// Every entry of the generated table, in its order: by tag, a repeating group placed by its pattern with the
    /// free digits zero. Excludes the <see cref="GroupLength"/> and <see cref="PrivateCreator"/> rules.
    /// </summary>
    public static IReadOnlyList<DicomDictionaryEntry> Entries => Tables.Instance.Entries;

    /// <summary>
    /// The parsed table. A nested class so the parse runs on first use, once, under the runtime's type-initialiser
    /// lock. Kept free of LINQ and of generic collections over our own value types: their JIT compilation, not the
    /// parse, was most of the first look-up's cost.
    /// </summary>
    private sealed class Tables
    {
        internal static readonly Tables Instance = Load();

        // An explicit static constructor keeps the runtime from running Load early (beforefieldinit).
        static Tables()
        {
        }

        private Tables(TagHashTable exact, DicomDictionaryEntry[] masked, DicomDictionaryEntry[] entries)
        {
            Exact = exact;
            Masked = masked;
            Entries = Array.AsReadOnly(entries);
        }

        internal TagHashTable Exact { get; }
        internal DicomDictionaryEntry[] Masked { get; }
        internal ReadOnlyCollection<DicomDictionaryEntry> Entries { get; }

        private static Tables Load()
        {
            var entries = new DicomDictionaryEntry[CountRows(DicomDictionaryData.Table)];
            var parser = new RowParser();
            var table = DicomDictionaryData.Table;
            var count = 0;
            var maskedCount = 0;
            while (!table.IsEmpty)
            {
                var entry = parser.Parse(TsvLines.Next(ref table));
                if (entry is null) continue;
                entries[count++] = entry;
                if (entry.IsRepeatingGroup) maskedCount++;
            }
            if (count != entries.Length) Array.Resize(ref entries, count);

            var exact = new TagHashTable(count - maskedCount);
            foreach (var entry in entries)
            {
                if (!entry.IsRepeatingGroup) exact.Add(entry);
            }
            var masked = new DicomDictionaryEntry[maskedCount];
            var maskedIndex = 0;
            for (var i = 0; i < entries.Length; i++)
            {
                if (!entries[i].IsRepeatingGroup) continue;
                entries[i] = WithReachableTag(entries[i], exact);
                masked[maskedIndex++] = entries[i];
            }
            // Most specific mask first, so a narrower rule would win over a wider one covering the same tag.
            Array.Sort(masked, static (a, b) => BitOperations.PopCount(b.Mask).CompareTo(BitOperations.PopCount(a.Mask)));
            return new Tables(exact, masked, entries);
        }

        /// <summary>
        /// Moves a repeating group's <see cref="DicomDictionaryEntry.Tag"/> to its lowest member that Lookup gives
        /// to it rather than to an exact entry, a group length or a private rule, so TryGetTag's answer looks up
        /// back to the same entry. Free bits are counted up in increasing order; the first few members decide.
        /// </summary>
        private static DicomDictionaryEntry WithReachableTag(DicomDictionaryEntry entry, TagHashTable exact)
        {
            var free = ~entry.Mask;
            var subset = 0u;
            do
            {
                var tag = new DicomTag(entry.PatternValue | subset);
                if (!exact.TryGetValue(tag.Value, out _) && !tag.IsGroupLength && !tag.IsPrivate)
                {
                    return tag == entry.Tag ? entry : entry.WithTag(tag);
                }
                subset = (subset - free) & free; // next subset of the free bits, in increasing order
            }
            while (subset != 0);
            return entry;
        }

        /// <summary>
        /// Turns one TSV line into an entry. A small method of its own, with no stackalloc, so the JIT compiles it
        /// quickly at tier 0 (a stackalloc would force a slow fully optimised compile of the whole load loop).
        /// </summary>
        private sealed class RowParser
        {
            private readonly Range[] _fields = new Range[7];
            private readonly SpanInterner _vrTexts = new();
            private readonly SpanInterner _multiplicities = new();
            private int _lineNumber;

                        internal DicomDictionaryEntry? Parse(ReadOnlySpan<byte> line)
            {
                _lineNumber++;
                if (line.IsEmpty || line[0] == (byte)'#') return null;
                var fields = _fields.AsSpan();
                if (TsvLines.Split(line, fields) != 6) throw Corrupt(_lineNumber, "expected 6 fields");
                var (value, mask) = ParseTagPattern(line[fields[0]], _lineNumber);
                var vrField = line[fields[1]];
                var vr = (VROptions?)_vrTexts.Get(vrField, static text => ParseVRText(text));
                if (vr is null) throw Corrupt(_lineNumber, "unknown VR " + Encoding.UTF8.GetString(vrField));
                var vm = (string)_multiplicities.Get(line[fields[2]], static text => Encoding.UTF8.GetString(text))!;
                var retired = line[fields[3]].SequenceEqual("R"u8);
                var keyword = Encoding.UTF8.GetString(line[fields[4]]);
                var name = Encoding.UTF8.GetString(line[fields[5]]);
                return new DicomDictionaryEntry(new DicomTag(value), mask, keyword, name, vr.Vrs, vr.Text, vm, retired);
            }
        }

        /// <summary>Upper bound of the data rows: the number of lines.</summary>
        private static int CountRows(ReadOnlySpan<byte> table) => table.Count((byte)'\n') + 1;

                private static (uint Value, uint Mask) ParseTagPattern(ReadOnlySpan<byte> text, int lineNumber)
        {
            if (text.Length != 8) throw Corrupt(lineNumber, "tag is not 8 digits");
            uint value = 0, mask = 0;
            foreach (var character in text)
            {
                value <<= 4;
                mask <<= 4;
                if (character == (byte)'x') continue;
                var digit = HexDigit(character);
                if (digit < 0) throw Corrupt(lineNumber, "tag has a character that is not a hex digit");
                value |= (uint)digit;
                mask |= 0xF;
            }
            return (value, mask);
        }

        private static int HexDigit(byte character) => character switch
        {
            >= (byte)'0' and <= (byte)'9' => character - '0',
            >= (byte)'A' and <= (byte)'F' => character - 'A' + 10,
            >= (byte)'a' and <= (byte)'f' => character - 'a' + 10,
            _ => -1,
        };

        /// <summary>"US or SS or OW" -> [OW, US, SS] (implicit-VR default first, see ValueRepresentations).</summary>
        private static VROptions? ParseVRText(ReadOnlySpan<byte> text)
        {
            var textString = Encoding.UTF8.GetString(text);
            if (textString == "NONE") return new VROptions(Array.AsReadOnly(new[] { DicomVR.None }), textString);
            var codes = textString.Split(" or ");
            var vrs = new DicomVR[codes.Length];
            for (var i = 0; i < codes.Length; i++)
            {
                if (!DicomVRInfo.TryParse(codes[i], out vrs[i])) return null;
            }
            var ow = Array.IndexOf(vrs, DicomVR.OW);
            if (ow > 0)
            {
                Array.Copy(vrs, 0, vrs, 1, ow);
                vrs[0] = DicomVR.OW;
            }
            return new VROptions(Array.AsReadOnly(vrs), textString);
        }

        private static InvalidDataException Corrupt(int lineNumber, string problem) =>
            new(string.Create(CultureInfo.InvariantCulture,
                $"Generated DICOM dictionary table, line {lineNumber}: {problem}. Re-run tools/dictionary/generate.py."));
    }

    private sealed record VROptions(ReadOnlyCollection<DicomVR> Vrs, string Text);

    /// <summary>
    /// Keyword look-ups and the completion list, built on the first keyword question only: a reader that looks up
    /// tags never pays for hashing five thousand keywords.
    /// </summary>
    private sealed class KeywordTables
    {
        internal static readonly KeywordTables Instance = new(Tables.Instance.Entries);

        static KeywordTables()
        {
        }

        private KeywordTables(ReadOnlyCollection<DicomDictionaryEntry> entries)
        {
            ByKeyword = new Dictionary<string, DicomDictionaryEntry>(entries.Count, StringComparer.OrdinalIgnoreCase);
            var current = new List<string>(entries.Count);
            var retired = new List<string>();
            foreach (var entry in entries)
            {
                ByKeyword.TryAdd(entry.Keyword, entry);
                (entry.IsRetired ? retired : current).Add(entry.Keyword);
            }
            current.Sort(StringComparer.Ordinal);
            retired.Sort(StringComparer.Ordinal);
            CurrentKeywordCount = current.Count;
            current.AddRange(retired);
            Keywords = current.AsReadOnly();
        }

        internal Dictionary<string, DicomDictionaryEntry> ByKeyword { get; }
        internal ReadOnlyCollection<string> Keywords { get; }
        internal int CurrentKeywordCount { get; }
    }
}

/// <summary>
/// Open-addressing hash table from a 32-bit tag to its entry: one multiply, usually one probe. Built once, then
/// only read, so concurrent readers need no lock.
/// </summary>
internal sealed class TagHashTable
{
    private readonly uint[] _tags;
    private readonly DicomDictionaryEntry?[] _entries;
    private readonly int _shift;

    internal TagHashTable(int count)
    {
        // At most half full keeps probe runs short.
        var bits = Math.Max(4, 32 - BitOperations.LeadingZeroCount((uint)Math.Max(1, count * 2 - 1)));
        _tags = new uint[1 << bits];
        _entries = new DicomDictionaryEntry?[1 << bits];
        _shift = 32 - bits;
    }

    private int Slot(uint tag) => (int)((tag * 0x9E3779B1u) >> _shift);

        internal void Add(DicomDictionaryEntry entry)
    {
        var tag = entry.Tag.Value;
        var mask = _tags.Length - 1;
        var slot = Slot(tag);
        while (_entries[slot] is not null && _tags[slot] != tag) slot = (slot + 1) & mask;
        _tags[slot] = tag;
        _entries[slot] = entry;
    }

    internal bool TryGetValue(uint tag, [NotNullWhen(true)] out DicomDictionaryEntry? entry)
    {
        var mask = _tags.Length - 1;
        var slot = Slot(tag);
        while (true)
        {
            entry = _entries[slot];
            if (entry is null) return false;
            if (_tags[slot] == tag) return true;
            slot = (slot + 1) & mask;
        }
    }
}

/// <summary>Line and field splitting for the generated UTF-8 TSV tables.</summary>
internal static class TsvLines
{
    /// <summary>Cuts the next line (without its '\n' or "\r\n") off the front of <paramref name="rest"/>.</summary>
        internal static ReadOnlySpan<byte> Next(ref ReadOnlySpan<byte> rest)
    {
        var newline = rest.IndexOf((byte)'\n');
        ReadOnlySpan<byte> line;
        if (newline < 0)
        {
            line = rest;
            rest = default;
        }
        else
        {
            line = rest[..newline];
            rest = rest[(newline + 1)..];
        }
        // A checkout with CRLF line endings turns the literal's newlines into CRLF too.
        return !line.IsEmpty && line[^1] == (byte)'\r' ? line[..^1] : line;
    }

    /// <summary>Splits on tabs into <paramref name="fields"/>; returns the count (fields.Length + 1 means "too many").</summary>
        internal static int Split(ReadOnlySpan<byte> line, Span<Range> fields)
    {
        var count = 0;
        var start = 0;
        while (true)
        {
            var tab = line[start..].IndexOf((byte)'\t');
            var end = tab < 0 ? line.Length : start + tab;
            if (count == fields.Length) return count + 1;
            fields[count++] = new Range(start, end);
            if (tab < 0) return count;
            start = end + 1;
        }
    }
}

/// <summary>
/// Maps the few distinct values of a column (VR texts, VMs, UID types) to one shared object each, comparing raw
/// bytes so the parse does not allocate a string per line only to throw it away. A tiny open-addressing table on
/// a hash of the bytes: a column has at most a few dozen distinct values, so it never fills. Not generic on
/// purpose: an instantiation over a value type would cost JIT time at first use.
/// </summary>
internal sealed class SpanInterner
{
    private const int Capacity = 256; // > 4x the distinct values of any column we intern
    private readonly byte[]?[] _keys = new byte[Capacity][];
    private readonly object?[] _values = new object?[Capacity];
    private int _count;

    internal delegate object? Factory(ReadOnlySpan<byte> text);

        internal object? Get(ReadOnlySpan<byte> text, Factory create)
    {
        var hash = 2166136261u;
        foreach (var character in text) hash = (hash ^ character) * 16777619u;
        var slot = (int)(hash & (Capacity - 1));
        while (true)
        {
            var key = _keys[slot];
            if (key is null) break;
            if (text.SequenceEqual(key)) return _values[slot];
            slot = (slot + 1) & (Capacity - 1);
        }
        if (++_count > Capacity / 2) throw new InvalidDataException("A generated dictionary column has too many distinct values.");
        var made = create(text);
        _keys[slot] = text.ToArray();
        _values[slot] = made;
        return made;
    }
}
