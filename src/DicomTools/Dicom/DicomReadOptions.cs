namespace DicomTools.Dicom;

/// <summary>How much of a file to read, and the limits that hold whatever the file claims.</summary>
internal sealed class DicomReadOptions
{
    /// <summary>Header inspection: skip the top-level Pixel Data value (the elements after it are read) and leave
    /// large bulk values on disk.</summary>
    public static DicomReadOptions HeaderOnly { get; } = new() { StopBeforePixelData = true };

    /// <summary>Everything, with Pixel Data located (not loaded, unless the file is deflated).</summary>
    public static DicomReadOptions Full { get; } = new();

    /// <summary>
    /// Skip the value of the top-level (7FE0,0010)/(7FE0,0008)/(7FE0,0009): the element is listed without its value,
    /// and what follows it (trailing padding, private groups, Digital Signatures) is read. Seeking past it costs
    /// nothing on a file; a deflated file is inflated through it (the inflated stream cannot seek).
    /// </summary>
    public bool StopBeforePixelData { get; init; }

    /// <summary>In a header-only read, binary values (OB, OW, OF, OD, OL, OV, UN) longer than this stay on disk.</summary>
    public int LargeValueThreshold { get; init; } = 256 * 1024;

    /// <summary>
    /// Deepest nesting of sequences accepted. Real objects nest a handful of levels; a file claiming thousands is
    /// hostile and gets an error instead of exhausting the machine.
    /// </summary>
    public int MaxSequenceDepth { get; init; } = 64;

    /// <summary>
    /// Most bytes a deflated dataset (Deflated Explicit VR Little Endian) may inflate to: 1 GiB. A few kilobytes of
    /// deflate can claim gigabytes; the reader stops here with an error instead.
    /// </summary>
    public long MaxInflatedBytes { get; init; } = 1L << 30;

    /// <summary>
    /// Most data elements and sequence items one file may hold: 1 000 000. Real objects hold thousands (an enhanced
    /// multi-frame CT of a few thousand frames some hundred thousand); millions of tiny items in a file are an attack
    /// on memory, each costing far more in memory than its 8 bytes on disk.
    /// </summary>
    public int MaxElements { get; init; } = 1_000_000;
}
