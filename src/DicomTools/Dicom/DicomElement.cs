using DicomTools.Dicom;

namespace DicomTools;

/// <summary>
/// One data element as read: where it was, how long it claimed to be, its bytes (unless left on disk), and its
/// value typed by VR on first use. Sequences carry their items; encapsulated Pixel Data its fragments.
/// </summary>
public sealed class DicomElement
{
    /// <summary>Length value meaning "undefined length" (PS3.5 7.1.1).</summary>
    public const long UndefinedLength = 0xFFFFFFFF;

    private readonly byte[]? _raw;
    private readonly DicomCharacterSet _characterSet;
    /// <summary>Stands for "decoded, and the value is null" in <see cref="_value"/>.</summary>
    private static readonly object NullValue = new();
    private object? _value;

    internal DicomElement(DicomTag tag, DicomVR vr, long length, long offset, byte[]? raw, bool bigEndian,
        DicomCharacterSet characterSet, string? privateCreator)
    {
        Tag = tag;
        VR = vr;
        Length = length;
        Offset = offset;
        _raw = raw;
        IsBigEndian = bigEndian;
        _characterSet = characterSet;
        PrivateCreator = privateCreator;
    }

    public DicomTag Tag { get; }

    public DicomVR VR { get; }

    /// <summary>The length the file gave for the value (<see cref="UndefinedLength"/> for undefined).</summary>
    public long Length { get; }

    public bool HasUndefinedLength => Length == UndefinedLength;

    /// <summary>Byte offset of the element's tag in the file (in the inflated data for a deflated file).</summary>
    public long Offset { get; }

    public bool IsBigEndian { get; }

    /// <summary>Byte offset of the value (after the element header); where a value left on disk is read from.</summary>
    public long ValueOffset { get; internal init; } = -1;

    /// <summary>Bytes of the value actually present: less than <see cref="Length"/> only for truncated Pixel Data.</summary>
    public long AvailableLength { get; internal init; }

    /// <summary>False when the value was left on disk: Pixel Data, or a large value skipped by a header-only read.</summary>
    public bool IsValueLoaded => _raw is not null;

    /// <summary>The value bytes as stored (empty when not loaded).</summary>
    public ReadOnlyMemory<byte> RawValue => _raw ?? ReadOnlyMemory<byte>.Empty;

    /// <summary>Items of a sequence (SQ, or UN holding a sequence); empty for other elements.</summary>
    public IReadOnlyList<DicomDataset> Items { get; internal set; } = Array.Empty<DicomDataset>();

    /// <summary>Fragments of encapsulated Pixel Data, when this element is that.</summary>
    internal DicomFragments? Fragments { get; set; }

    /// <summary>The private creator that reserved this element's block (private tags only).</summary>
    public string? PrivateCreator { get; }

    public string? Keyword => Tag.IsPrivate ? null : DicomDictionary.Lookup(Tag)?.Keyword;

    public string Name
    {
        get
        {
            if (Tag.IsPrivateCreator) return "Private Creator";
            if (Tag.IsPrivate) return PrivateCreator is null ? "Private tag" : $"Private tag ({TextEscaper.Escape(PrivateCreator)})";
            if (Tag.IsGroupLength) return "Group Length";
            return DicomDictionary.Lookup(Tag)?.Name ?? "Unknown tag";
        }
    }

    /// <summary>
    /// The typed value: numbers (scalar or array), string or string[], double/double[] for DS, int (one value) or
    /// double[] (several) for IS,
    /// DateTime/TimeSpan for DA/TM/DT, <see cref="DicomPersonName"/> for PN, byte[]/ushort[]/float[]... for O* VRs,
    /// the items for SQ. Null when the value is empty or was not loaded.
    /// </summary>
    public object? Value
    {
        get
        {
            if (VR == DicomVR.SQ || Items.Count > 0) return Items;
            // Decoded once and published with one reference write: frames of a file are rendered on several threads
            // that read the same header, and a racing second decode gives an equal value.
            var value = Volatile.Read(ref _value);
            if (value is null)
            {
                value = (_raw is null ? null : DicomValues.Decode(VR, _raw, IsBigEndian, _characterSet)) ?? NullValue;
                value = Interlocked.CompareExchange(ref _value, value, null) ?? value;
            }
            return ReferenceEquals(value, NullValue) ? null : value;
        }
    }

    /// <summary>Number of values (VM) as stored; 0 when empty.</summary>
    public int ValueCount => Value switch
    {
        null => 0,
        string => 1,
        byte[] when VR is DicomVR.OB or DicomVR.UN or DicomVR.None => 1,
        Array array => array.Length,
        IReadOnlyList<DicomDataset> items => items.Count,
        _ => 1,
    };

    /// <summary>The value as text, multiple values joined with '\' (null when empty).</summary>
    public string? GetText()
    {
        if (_raw is null || _raw.Length == 0) return null;
        // A value of nothing but padding is as empty as a zero-length one.
        if (DicomVRInfo.IsString(VR)) return DicomValues.TrimText(_characterSet.Decode(_raw, VR), VR) is { Length: > 0 } text ? text : null;
        return ValueToText(Value, 64);
    }

    /// <summary>A one-line, escaped, length-capped rendering for tables.</summary>
    public string DisplayValue
    {
        get
        {
            if (VR == DicomVR.SQ || Items.Count > 0) return $"{Items.Count} item{(Items.Count == 1 ? "" : "s")}";
            if (Fragments is not null) return $"{Fragments.Count} fragment{(Fragments.Count == 1 ? "" : "s")}";
            if (_raw is null) return Length == 0 ? "" : "(not loaded)";
            var text = GetText() ?? "";
            // A UID the registry knows is shown with its name after it, e.g. "<uid> (JPEG Lossless, ...)".
            if (VR == DicomVR.UI && DicomUids.Lookup(text) is { } known) text = $"{text} ({known.Name})";
            if (text.Length > 120) text = text[..117] + "...";
            return TextEscaper.Escape(text);
        }
    }

    private static string ValueToText(object? value, int maxItems)
    {
        switch (value)
        {
            case null: return "";
            case string s: return s;
            case byte[] bytes:
                var shown = string.Join(' ', bytes.Take(maxItems).Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
                return bytes.Length > maxItems ? shown + $" ... ({bytes.Length} bytes)" : shown;
            case Array array:
                var items = array.Cast<object>().Take(maxItems).Select(FormatScalar);
                var joined = string.Join('\\', items);
                return array.Length > maxItems ? joined + $"\\... ({array.Length} values)" : joined;
            default: return FormatScalar(value);
        }
    }

    private static string FormatScalar(object value) => value switch
    {
        double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        float f => f.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        DateTime dt => dt.TimeOfDay == TimeSpan.Zero ? dt.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : dt.ToString("yyyy-MM-dd HH:mm:ss.FFFFFF", System.Globalization.CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    public override string ToString() =>
        $"{Tag} {DicomVRInfo.ToCode(VR)} {Keyword ?? Name}: {DisplayValue}";
}
