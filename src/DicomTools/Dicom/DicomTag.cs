using System.Globalization;
using DicomTools.Dicom;

namespace DicomTools;

/// <summary>A data element tag (group, element), ordered as DICOM orders a dataset: by the 32-bit value.</summary>
public readonly struct DicomTag : IEquatable<DicomTag>, IComparable<DicomTag>
{
    public DicomTag(ushort group, ushort element) => Value = ((uint)group << 16) | element;

    public DicomTag(uint value) => Value = value;

    public uint Value { get; }

    public ushort Group => (ushort)(Value >> 16);

    public ushort Element => (ushort)Value;

    /// <summary>Odd groups other than 0001, 0003, 0005, 0007 and FFFF are private (PS3.5 7.8.1).</summary>
    public bool IsPrivate => (Group & 1) == 1 && Group > 0x0007 && Group != 0xFFFF;

    /// <summary>(gggg,0010)-(gggg,00FF) in a private group reserve a block for a private creator.</summary>
    public bool IsPrivateCreator => IsPrivate && Element >= 0x0010 && Element <= 0x00FF;

    /// <summary>Group length elements (gggg,0000).</summary>
    public bool IsGroupLength => Element == 0x0000;

    public static DicomTag Item => new(0xFFFE, 0xE000);
    public static DicomTag ItemDelimitation => new(0xFFFE, 0xE00D);
    public static DicomTag SequenceDelimitation => new(0xFFFE, 0xE0DD);
    public static DicomTag PixelData => new(0x7FE0, 0x0010);
    public static DicomTag FloatPixelData => new(0x7FE0, 0x0008);
    public static DicomTag DoubleFloatPixelData => new(0x7FE0, 0x0009);

    /// <summary>
    /// Parses "(0010,0010)", "0010,0010" or "00100010" (hex digits, any case, spaces ignored around the parts).
    /// </summary>
    public static bool TryParse(string? text, out DicomTag tag)
    {
        tag = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var s = text.Trim();
        if (s.StartsWith('(') && s.EndsWith(')')) s = s[1..^1];
        string groupText, elementText;
        var comma = s.IndexOf(',');
        if (comma >= 0)
        {
            groupText = s[..comma].Trim();
            elementText = s[(comma + 1)..].Trim();
        }
        else if (s.Length == 8)
        {
            groupText = s[..4];
            elementText = s[4..];
        }
        else
        {
            return false;
        }
        if (groupText.Length != 4 || elementText.Length != 4) return false;
        if (!ushort.TryParse(groupText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var group)) return false;
        if (!ushort.TryParse(elementText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var element)) return false;
        tag = new DicomTag(group, element);
        return true;
    }

    public bool Equals(DicomTag other) => Value == other.Value;

    public override bool Equals(object? obj) => obj is DicomTag other && Equals(other);

    public override int GetHashCode() => (int)Value;

    public int CompareTo(DicomTag other) => Value.CompareTo(other.Value);

    public static bool operator ==(DicomTag left, DicomTag right) => left.Value == right.Value;

    public static bool operator !=(DicomTag left, DicomTag right) => left.Value != right.Value;

    public static bool operator <(DicomTag left, DicomTag right) => left.Value < right.Value;

    public static bool operator >(DicomTag left, DicomTag right) => left.Value > right.Value;

    public static bool operator <=(DicomTag left, DicomTag right) => left.Value <= right.Value;

    public static bool operator >=(DicomTag left, DicomTag right) => left.Value >= right.Value;

    public override string ToString() => $"({Group:X4},{Element:X4})";
}
