namespace DicomTools.Dicom;

/// <summary>How much of a file to read, and the limits that hold whatever the file claims.</summary>
public sealed class DicomReadOptions
{
    /// <summary>Header inspection: stop at the top-level Pixel Data and leave large bulk values on disk.</summary>
    public static DicomReadOptions HeaderOnly { get; } = new() { StopBeforePixelData = true };

    /// <summary>Everything, with Pixel Data located (not loaded, unless the file is deflated).</summary>
    public static DicomReadOptions Full { get; } = new();

    /// <summary>Stop at the top-level (7FE0,0010)/(7FE0,0008)/(7FE0,0009); the element is listed without its value.</summary>
    public bool StopBeforePixelData { get; init; }

    /// <summary>In a header-only read, binary values (OB, OW, OF, OD, OL, OV, UN) longer than this stay on disk.</summary>
    public int LargeValueThreshold { get; init; } = 256 * 1024;

    /// <summary>
    /// Deepest nesting of sequences accepted. Real objects nest a handful of levels; a file claiming thousands is
    /// hostile and gets an error instead of exhausting the machine.
    /// </summary>
    public int MaxSequenceDepth { get; init; } = 64;

    /// <summary>Most bytes an inflated (deflated transfer syntax) dataset may grow to.</summary>
    public long MaxInflatedBytes { get; init; } = 4L * 1024 * 1024 * 1024;
}
