namespace DicomTools.Dicom;

/// <summary>
/// The Image Pixel module attributes (PS3.3 C.7.6.3) that size Pixel Data, as written and before any validation: the
/// two rules the reader and the pixel layer share, and the bound the reader needs to cap deflated native Pixel Data.
/// Validating the geometry and the exact frame layout are the pixel layer's (Pixels/PixelGeometry).
/// </summary>
internal static class ImagePixelAttributes
{
    /// <summary>Bits Allocated of <paramref name="pixelTag"/>'s samples: 32 and 64 for Float and Double Float Pixel
    /// Data (fixed by their VRs OF and OD), else the attribute (null when absent).</summary>
    public static int? BitsAllocated(DicomDataset dataset, DicomTag pixelTag) =>
        pixelTag == DicomTag.FloatPixelData ? 32
        : pixelTag == DicomTag.DoubleFloatPixelData ? 64
        : dataset.GetInt(DicomTags.BitsAllocated);

    /// <summary>Number of Frames, 1 when absent or unusable (an IS like "1A" seen in real files, zero, negative).</summary>
    public static int NumberOfFrames(DicomDataset dataset) => dataset.GetInt(DicomTags.NumberOfFrames) is { } n && n > 0 ? n : 1;

    /// <summary>
    /// At most how many bytes the frames of native Pixel Data occupy (Rows x Columns x Samples x Bits Allocated x
    /// frames, rounded up to a byte; packed and subsampled layouts need less); null when Rows, Columns or Bits
    /// Allocated is missing or not positive. The reader keeps no more of an inflated stream than this.
    /// </summary>
    public static long? NativeBytesUpperBound(DicomDataset dataset, DicomTag pixelTag)
    {
        var rows = dataset.GetInt(DicomTags.Rows);
        var columns = dataset.GetInt(DicomTags.Columns);
        var bits = BitsAllocated(dataset, pixelTag);
        if (rows is not > 0 || columns is not > 0 || bits is not > 0) return null;
        var samples = Math.Max(1, dataset.GetInt(DicomTags.SamplesPerPixel) ?? 1);
        var bitsTotal = (decimal)rows.Value * columns.Value * samples * bits.Value * NumberOfFrames(dataset);
        var bytes = Math.Ceiling(bitsTotal / 8);
        return bytes > long.MaxValue ? long.MaxValue : (long)bytes;
    }
}
