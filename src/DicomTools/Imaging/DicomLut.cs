namespace DicomTools.Imaging;

/// <summary>
/// A lookup table as DICOM stores it (Modality LUT, VOI LUT, palette): the LUT Descriptor's entry count, first
/// mapped value and bits per entry, plus the entries. Input values below the first mapped value use the first entry,
/// above the last use the last entry (PS3.3 C.11.1.1, C.11.2.1.1).
/// </summary>
public sealed class DicomLut
{
    public DicomLut(int firstMappedValue, int bitsPerEntry, ushort[] entries, string? explanation = null)
    {
        FirstMappedValue = firstMappedValue;
        BitsPerEntry = bitsPerEntry;
        Entries = entries;
        Explanation = explanation;
    }

    /// <summary>The stored (or modality) value that maps to entry 0; signed when the input is signed.</summary>
    public int FirstMappedValue { get; }

    /// <summary>Bits per entry from the descriptor (8..16): output range is 0 .. 2^BitsPerEntry - 1.</summary>
    public int BitsPerEntry { get; }

    public ushort[] Entries { get; }

    public int EntryCount => Entries.Length;

    public string? Explanation { get; }

    public override string ToString() =>
        $"{EntryCount} entries from {FirstMappedValue}, {BitsPerEntry} bits{(Explanation is null ? "" : " (" + Explanation + ")")}";
}
