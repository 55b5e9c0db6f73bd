using System.Collections;
using DicomTools.Dicom;

namespace DicomTools;

/// <summary>
/// The elements of a dataset or sequence item in file order, with lookup by tag. Also knows the character set
/// its text was decoded with.
/// </summary>
public sealed class DicomDataset : IReadOnlyList<DicomElement>
{
    /// <summary>Below this many elements a lookup scans the list; most sequence items are that small, and a table
    /// for each of them would cost more memory than the item itself.</summary>
    private const int ScanLimit = 12;

    private readonly List<DicomElement> _elements = new();
    private Dictionary<DicomTag, DicomElement>? _byTag;

    internal DicomDataset(DicomCharacterSet characterSet, long offset)
    {
        CharacterSet = characterSet;
        Offset = offset;
    }

    /// <summary>Offset in the file of this dataset's first element (or of the item's tag for a sequence item).</summary>
    public long Offset { get; }

    internal DicomCharacterSet CharacterSet { get; set; }

    public int Count => _elements.Count;

    public DicomElement this[int index] => _elements[index];

    public DicomElement? this[DicomTag tag]
    {
        get
        {
            if (_elements.Count <= ScanLimit)
            {
                // First one wins for a repeated tag (damaged file), as readers generally keep what came first.
                foreach (var element in _elements)
                {
                    if (element.Tag == tag) return element;
                }
                return null;
            }
            return Index().GetValueOrDefault(tag);
        }
    }

    public bool Contains(DicomTag tag) => this[tag] is not null;

    /// <summary>The tag table, built on first need; published whole so readers on other threads see it complete.</summary>
    private Dictionary<DicomTag, DicomElement> Index()
    {
        if (Volatile.Read(ref _byTag) is { } built) return built;
        var table = new Dictionary<DicomTag, DicomElement>(_elements.Count);
        foreach (var element in _elements) table.TryAdd(element.Tag, element);
        return Interlocked.CompareExchange(ref _byTag, table, null) ?? table;
    }

    /// <summary>The element named by keyword ("PatientName") or tag ("0010,0010", "(0010,0010)", "00100010").</summary>
    public DicomElement? Find(string keywordOrTag)
    {
        if (DicomTag.TryParse(keywordOrTag, out var tag)) return this[tag];
        return DicomDictionary.TryGetTag(keywordOrTag.Trim(), out tag) ? this[tag] : null;
    }

    internal void Add(DicomElement element)
    {
        // Only the parser adds, on one thread, before the dataset is shared.
        _elements.Add(element);
        _byTag?.TryAdd(element.Tag, element);
    }

    /// <summary>Typed value of <paramref name="tag"/>, or null when absent or empty.</summary>
    public object? GetValue(DicomTag tag) => this[tag]?.Value;

    public string? GetString(DicomTag tag) => this[tag]?.GetText();

    /// <summary>The first value as an integer (US, SS, UL, SL, IS...), null when absent, empty or unparsable.</summary>
    public int? GetInt(DicomTag tag) => this[tag]?.Value switch
    {
        ushort v => v,
        short v => v,
        uint v when v <= int.MaxValue => (int)v,
        int v => v,
        long v when v is >= int.MinValue and <= int.MaxValue => (int)v,
        ushort[] { Length: > 0 } a => a[0],
        short[] { Length: > 0 } a => a[0],
        int[] { Length: > 0 } a => a[0],
        double v when v == Math.Floor(v) && Math.Abs(v) <= int.MaxValue => (int)v,
        double[] { Length: > 0 } a when a[0] == Math.Floor(a[0]) && Math.Abs(a[0]) <= int.MaxValue => (int)a[0],
        string s when int.TryParse(s.Trim(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };

    /// <summary>The first value as a double (DS, IS, FL, FD, integers), null when absent, empty or unparsable.</summary>
    public double? GetDouble(DicomTag tag) => GetDoubles(tag) is { Length: > 0 } values ? values[0] : null;

    /// <summary>All values as doubles; null when absent, empty or any value does not parse.</summary>
    public double[]? GetDoubles(DicomTag tag) => this[tag]?.Value switch
    {
        double v => new[] { v },
        double[] a => a,
        float v => new[] { (double)v },
        float[] a => a.Select(x => (double)x).ToArray(),
        int v => new[] { (double)v },
        int[] a => a.Select(x => (double)x).ToArray(),
        long v => new[] { (double)v },
        long[] a => a.Select(x => (double)x).ToArray(),
        ushort v => new[] { (double)v },
        ushort[] a => a.Select(x => (double)x).ToArray(),
        short v => new[] { (double)v },
        short[] a => a.Select(x => (double)x).ToArray(),
        uint v => new[] { (double)v },
        _ => null,
    };

    /// <summary>All values as strings (trimmed); empty when absent or empty.</summary>
    public string[] GetStrings(DicomTag tag)
    {
        var element = this[tag];
        if (element?.GetText() is not { } text) return Array.Empty<string>();
        if (DicomVRInfo.IsSingleValuedText(element.VR)) return new[] { text };
        return text.Split('\\').Select(s => DicomValues.TrimText(s, element.VR)).ToArray();
    }

    /// <summary>Items of a sequence; empty when absent.</summary>
    public IReadOnlyList<DicomDataset> GetSequence(DicomTag tag) => this[tag]?.Items ?? Array.Empty<DicomDataset>();

    public IEnumerator<DicomElement> GetEnumerator() => _elements.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"{Count} elements";
}
