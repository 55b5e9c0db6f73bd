using DicomTools.Pixels;

namespace DicomTools;

/// <summary>
/// A lookup table as DICOM stores it (Modality LUT, VOI LUT, palette): the LUT Descriptor's entry count, first
/// mapped value and bits per entry, plus the entries. Input values below the first mapped value use the first entry,
/// above the last use the last entry (PS3.3 C.11.1.1, C.11.2.1.1).
/// </summary>
/// <remarks>
/// Two tables with the same descriptor and entries are equal: the renderer keys its cached display tables on LUT
/// content, so every slice of a series that carries its own copy of the same LUT shares one table. Do not modify
/// <see cref="Entries"/> after construction.
/// </remarks>
public sealed class DicomLut : IEquatable<DicomLut>
{
    private int _contentHash;
    private volatile bool _hashed;

    public DicomLut(int firstMappedValue, int bitsPerEntry, ushort[] entries, string? explanation = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        FirstMappedValue = firstMappedValue;
        BitsPerEntry = bitsPerEntry;
        Entries = entries;
        Explanation = explanation;
    }

    /// <summary>The stored (or modality) value that maps to entry 0, as written in the descriptor. A descriptor
    /// read as US may hold a negative value as 32768..65535; see <see cref="FirstMappedValueFor"/>.</summary>
    public int FirstMappedValue { get; }

    /// <summary>Bits per entry from the descriptor (8..16): output range is 0 .. 2^BitsPerEntry - 1.</summary>
    public int BitsPerEntry { get; }

    public ushort[] Entries { get; }

    public int EntryCount => Entries.Length;

    public string? Explanation { get; }

    /// <summary>
    /// The first mapped value as a number: when the table's input is signed, a descriptor value of 32768 or more
    /// is the US reading of a negative SS value (PS3.3 C.11.1.1.1, C.11.2.1.1: the second descriptor value has
    /// the signedness of the input), so it is taken as value - 65536.
    /// </summary>
    public int FirstMappedValueFor(bool signedInput) =>
        signedInput && FirstMappedValue >= 32768 && FirstMappedValue <= 65535 ? FirstMappedValue - 65536 : FirstMappedValue;

    /// <summary>Largest entry (0 for an empty table).</summary>
    internal int MaxEntry
    {
        get
        {
            int max = 0;
            foreach (var e in Entries)
                if (e > max) max = e;
            return max;
        }
    }

    public bool Equals(DicomLut? other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (other is null) return false;
        return FirstMappedValue == other.FirstMappedValue
            && BitsPerEntry == other.BitsPerEntry
            && Entries.Length == other.Entries.Length
            && GetHashCode() == other.GetHashCode()
            && Entries.AsSpan().SequenceEqual(other.Entries);
    }

    public override bool Equals(object? obj) => Equals(obj as DicomLut);

    public override int GetHashCode()
    {
        // Computed once: a 4096-entry LUT is hashed per cache lookup otherwise. The volatile flag publishes the
        // value only after it is written, so a concurrent reader never sees a half-initialised hash.
        if (_hashed) return _contentHash;
        var hash = new HashCode();
        hash.Add(FirstMappedValue);
        hash.Add(BitsPerEntry);
        hash.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(Entries.AsSpan()));
        _contentHash = hash.ToHashCode();
        _hashed = true;
        return _contentHash;
    }

    public override string ToString() =>
        DicomTools.TextEscaper.Escape($"{EntryCount} entries from {FirstMappedValue}, {BitsPerEntry} bits{(Explanation is null ? "" : " (" + Explanation + ")")}");
}
