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
        Array a when NumericArray(a) is { Length: > 0 } d && d[0] == Math.Floor(d[0]) && Math.Abs(d[0]) <= int.MaxValue => (int)d[0],
        double v when v == Math.Floor(v) && Math.Abs(v) <= int.MaxValue => (int)v,
        string s when int.TryParse(s.Trim(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };

    /// <summary>The first value as a double (DS, IS, FL, FD, integers), null when absent, empty or unparsable.</summary>
    public double? GetDouble(DicomTag tag) => GetDoubles(tag) is { Length: > 0 } values ? values[0] : null;

    /// <summary>All values as doubles; null when absent, empty or any value does not parse.</summary>
    public double[]? GetDoubles(DicomTag tag) => this[tag]?.Value switch
    {
        double v => new[] { v },
        float v => new[] { (double)v },
        int v => new[] { (double)v },
        long v => new[] { (double)v },
        ushort v => new[] { (double)v },
        short v => new[] { (double)v },
        uint v => new[] { (double)v },
        ulong v => new[] { (double)v },
        Array a => NumericArray(a),
        _ => null,
    };

    /// <summary>
    /// A numeric array's values as doubles, by its exact element type; null for other arrays. Not type patterns:
    /// the CLR lets a short[] pass as ushort[] (int[] as uint[], long[] as ulong[]) in `is` and `switch`, so
    /// `ushort[] a =>` would read a negative SS value as 65535.
    /// </summary>
    private static double[]? NumericArray(Array a)
    {
        Type t = a.GetType();
        if (t == typeof(double[])) return (double[])a;
        if (t == typeof(float[])) return Convert((float[])a, static x => x);
        if (t == typeof(short[])) return Convert((short[])a, static x => x);
        if (t == typeof(ushort[])) return Convert((ushort[])a, static x => x);
        if (t == typeof(int[])) return Convert((int[])a, static x => x);
        if (t == typeof(uint[])) return Convert((uint[])a, static x => x);
        if (t == typeof(long[])) return Convert((long[])a, static x => x);
        if (t == typeof(ulong[])) return Convert((ulong[])a, static x => x);
        return null;

        static double[] Convert<T>(T[] values, Func<T, double> toDouble)
        {
            var result = new double[values.Length];
            for (int i = 0; i < values.Length; i++) result[i] = toDouble(values[i]);
            return result;
        }
    }

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
