using DicomTools.Codecs;
using DicomTools.Dicom;

namespace DicomTools.Pixels;

/// <summary>
/// The Image Pixel module (PS3.3 C.7.6.3) read into a <see cref="FrameGeometry"/>, with the defaults the standard
/// and long practice give for absent attributes, and limits that reject impossible geometry before any allocation.
/// </summary>
internal static class PixelGeometry
{
    /// <summary>
    /// Largest decoded frame accepted by default (bytes): 512 MiB, e.g. 16384 x 16384 16-bit grey. A header claiming
    /// more is far likelier damaged or hostile than real; -MaxImageBytes raises it for the rare huge image.
    /// </summary>
    public const long DefaultMaxFrameBytes = 512L * 1024 * 1024;

    public static FrameGeometry FromDataset(DicomDataset ds, DicomTag pixelTag, long maxFrameBytes = DefaultMaxFrameBytes)
    {
        var rows = ds.GetInt(DicomTags.Rows) ?? throw new PixelDataException("Rows (0028,0010) is missing");
        var columns = ds.GetInt(DicomTags.Columns) ?? throw new PixelDataException("Columns (0028,0011) is missing");
        if (rows <= 0 || columns <= 0) throw new PixelDataException($"the image is {columns}x{rows}: Rows and Columns must be positive");

        var samples = ds.GetInt(DicomTags.SamplesPerPixel) ?? 1;
        if (samples is not (1 or 3 or 4))
            throw new PixelDataException($"Samples per Pixel is {samples}; 1, 3 (colour) or 4 (retired ARGB/CMYK) are possible");

        var bitsAllocated = ImagePixelAttributes.BitsAllocated(ds, pixelTag) ?? throw new PixelDataException("Bits Allocated (0028,0100) is missing");
        if (bitsAllocated is not (1 or 8 or 12 or 16 or 24 or 32 or 64))
            throw new PixelDataException($"Bits Allocated is {bitsAllocated}; 1, 8, 16, 32 (or 12, 24 in old files) are possible");

        var isFloat = pixelTag != DicomTag.PixelData;
        var bitsStored = isFloat ? bitsAllocated : ds.GetInt(DicomTags.BitsStored) ?? bitsAllocated;
        if (bitsStored < 1 || bitsStored > bitsAllocated)
            throw new PixelDataException($"Bits Stored is {bitsStored} with Bits Allocated {bitsAllocated}");
        var isSigned = !isFloat && ds.GetInt(DicomTags.PixelRepresentation) == 1;

        var photometric = ds.GetString(DicomTags.PhotometricInterpretation)?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(photometric)) photometric = samples == 1 ? "MONOCHROME2" : "RGB";
        var planar = ds.GetInt(DicomTags.PlanarConfiguration) ?? 0;

        var geometry = new FrameGeometry(rows, columns, samples, bitsAllocated, bitsStored, isSigned, photometric, planar is 1 ? 1 : 0);
        if (geometry.FrameByteLength > maxFrameBytes)
            throw new PixelDataException($"one frame would take {geometry.FrameByteLength} bytes ({columns}x{rows}x{samples} samples of {bitsAllocated} bits), above the limit of {maxFrameBytes}");
        return geometry;
    }

    /// <summary>High Bit (0028,0102), defaulting to Bits Stored - 1; clamped into the sample.</summary>
    public static int HighBit(DicomDataset ds, FrameGeometry geometry)
    {
        var highBit = ds.GetInt(DicomTags.HighBit) ?? geometry.BitsStored - 1;
        if (highBit < geometry.BitsStored - 1 || highBit >= geometry.BitsAllocated) highBit = geometry.BitsStored - 1;
        return highBit;
    }

    /// <summary>Number of Frames, 1 when absent or unusable (an IS like "1A" seen in real files).</summary>
    public static int NumberOfFrames(DicomDataset ds) => ImagePixelAttributes.NumberOfFrames(ds);
}
