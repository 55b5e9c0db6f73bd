namespace DicomTools.Dicom;

/// <summary>Where one fragment (item) of encapsulated Pixel Data lies.</summary>
internal readonly record struct DicomFragment(long Offset, long Length);

/// <summary>
/// Encapsulated Pixel Data (PS3.5 A.4): the Basic Offset Table (first item, may be empty) and the fragments after
/// it, located but not read. For a deflated file the bytes are held in memory (<see cref="InMemoryData"/>), since
/// the inflated stream cannot be revisited.
/// </summary>
internal sealed class DicomFragments
{
    internal DicomFragments(IReadOnlyList<uint> basicOffsetTable, IReadOnlyList<DicomFragment> fragments, byte[]? inMemoryData, bool terminated)
    {
        BasicOffsetTable = basicOffsetTable;
        Fragments = fragments;
        InMemoryData = inMemoryData;
        IsTerminated = terminated;
    }

    /// <summary>Byte offsets of each frame's first fragment, relative to the first fragment's item tag.</summary>
    public IReadOnlyList<uint> BasicOffsetTable { get; }

    /// <summary>Fragment positions: offsets in the file, or in <see cref="InMemoryData"/> when that is set.</summary>
    public IReadOnlyList<DicomFragment> Fragments { get; }

    public int Count => Fragments.Count;

    /// <summary>Fragment bytes for sources that cannot be re-read (deflated files, sequences); null otherwise.</summary>
    public byte[]? InMemoryData { get; }

    /// <summary>False when the file ended before the Sequence Delimitation Item (a damaged but readable file).</summary>
    public bool IsTerminated { get; }
}
