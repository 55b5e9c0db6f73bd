using DicomTools.Dicom;

namespace DicomTools.Samples;

/// <summary>
/// A synthetic chest CT slice with tissues at known Hounsfield units, written as a real CT Image Storage object:
/// 12 bits stored in 16, Rescale Intercept -1024, and two stored windows (soft tissue, lung) with explanations.
/// The project's own sample for the demo and the benchmark; contains no patient data.
/// </summary>
internal static class CtPhantom
{
    public const int DefaultSize = 512;
    public const double Intercept = -1024;

    /// <summary>(centre x, centre y, half-axis x, half-axis y) in units of the half image, and the HU inside.
    /// Later shapes paint over earlier ones.</summary>
    private static readonly (double X, double Y, double A, double B, short Hu)[] Shapes =
    {
        (0.00, 0.02, 0.86, 0.64, -100),   // subcutaneous fat
        (0.00, 0.02, 0.80, 0.58, 40),     // soft tissue
        (-0.38, -0.02, 0.28, 0.40, -850), // right lung
        (0.38, -0.02, 0.26, 0.40, -850),  // left lung
        (0.05, 0.05, 0.16, 0.14, 45),     // heart
        (0.02, 0.30, 0.07, 0.07, 180),    // aorta with contrast
        (0.00, 0.45, 0.10, 0.09, 700),    // vertebral body
        (0.00, 0.45, 0.05, 0.045, 250),   // cancellous bone
        (-0.55, 0.35, 0.05, 0.03, 900),   // ribs
        (0.55, 0.35, 0.05, 0.03, 900),
        (-0.70, 0.05, 0.03, 0.06, 900),
        (0.70, 0.05, 0.03, 0.06, 900),
        (-0.30, -0.15, 0.03, 0.03, -20),  // small nodules in the lungs
        (0.35, 0.10, 0.02, 0.02, 30),
    };

    /// <summary>Grey steps along the bottom edge at these HU, to see what a window keeps.</summary>
    private static readonly short[] Steps = { -1000, -700, -400, -100, 0, 40, 100, 300, 700, 1500, 3000 };

    /// <summary>Stored values (HU + 1024) of one slice; <paramref name="slice"/> varies the anatomy a little.</summary>
    public static ushort[] Render(int size = DefaultSize, int slice = 0)
    {
        var pixels = new ushort[size * size];
        var half = size / 2.0;
        var breathe = 1.0 + 0.04 * Math.Sin(slice * 0.05);
        for (var row = 0; row < size; row++)
        {
            var y = (row + 0.5 - half) / half;
            for (var column = 0; column < size; column++)
            {
                var x = (column + 0.5 - half) / half;
                short hu = -1000;
                foreach (var (cx, cy, a, b, value) in Shapes)
                {
                    var scale = value == -850 ? breathe : 1.0;
                    var dx = (x - cx) / (a * scale);
                    var dy = (y - cy) / (b * scale);
                    if (dx * dx + dy * dy <= 1) hu = value;
                }
                // A deterministic texture of +-8 HU so flat regions are not perfectly flat.
                var texture = (short)(((row * 7919 + column * 104729 + slice * 31) % 17) - 8);
                pixels[row * size + column] = ToStored(hu == -1000 ? hu : (short)(hu + texture));
            }
        }
        var stepHeight = Math.Max(4, size / 24);
        var stepWidth = size / Steps.Length;
        for (var row = size - stepHeight; row < size; row++)
        {
            for (var column = 0; column < stepWidth * Steps.Length; column++)
                pixels[row * size + column] = ToStored(Steps[column / stepWidth]);
        }
        return pixels;
    }

    private static ushort ToStored(short hu) => (ushort)Math.Clamp(hu - Intercept, 0, 4095);

    /// <summary>The slice as a CT Image Storage object, ready to write.</summary>
    public static DicomWriter Create(int size = DefaultSize, int slice = 0, string? seriesInstanceUid = null, string? studyInstanceUid = null)
    {
        var root = "2.25." + new System.Numerics.BigInteger(Guid.NewGuid().ToByteArray(), isUnsigned: true);
        return new DicomWriter()
            .Add(DicomTags.SpecificCharacterSet, DicomVR.CS, "ISO_IR 192")
            .Add(DicomTags.ImageType, DicomVR.CS, "DERIVED\\SECONDARY\\AXIAL")
            .Add(DicomTags.SOPClassUID, DicomVR.UI, "1.2.840.10008.5.1.4.1.1.2")
            .Add(DicomTags.SOPInstanceUID, DicomVR.UI, root)
            .Add(DicomTags.StudyDate, DicomVR.DA, "20260101")
            .Add(DicomTags.StudyTime, DicomVR.TM, "120000")
            .Add(DicomTags.AccessionNumber, DicomVR.SH, "DEMO0001")
            .Add(DicomTags.Modality, DicomVR.CS, "CT")
            .Add(DicomTags.StudyDescription, DicomVR.LO, "DicomTools synthetic chest phantom")
            .Add(DicomTags.SeriesDescription, DicomVR.LO, "Phantom axial")
            .Add(DicomTags.PatientName, DicomVR.PN, "Phantom^Chest")
            .Add(DicomTags.PatientID, DicomVR.LO, "PHANTOM-001")
            .Add(DicomTags.StudyInstanceUID, DicomVR.UI, string.IsNullOrEmpty(studyInstanceUid) ? root + ".1" : studyInstanceUid)
            .Add(DicomTags.SeriesInstanceUID, DicomVR.UI, string.IsNullOrEmpty(seriesInstanceUid) ? root + ".2" : seriesInstanceUid)
            .Add(DicomTags.SeriesNumber, DicomVR.IS, "1")
            .Add(DicomTags.InstanceNumber, DicomVR.IS, (slice + 1).ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Add(DicomTags.SamplesPerPixel, (ushort)1)
            .Add(DicomTags.PhotometricInterpretation, DicomVR.CS, "MONOCHROME2")
            .Add(DicomTags.Rows, (ushort)size)
            .Add(DicomTags.Columns, (ushort)size)
            .Add(DicomTags.BitsAllocated, (ushort)16)
            .Add(DicomTags.BitsStored, (ushort)12)
            .Add(DicomTags.HighBit, (ushort)11)
            .Add(DicomTags.PixelRepresentation, (ushort)0)
            .Add(DicomTags.WindowCenter, DicomVR.DS, 40, -600)
            .Add(DicomTags.WindowWidth, DicomVR.DS, 400, 1500)
            .Add(DicomTags.RescaleIntercept, DicomVR.DS, Intercept)
            .Add(DicomTags.RescaleSlope, DicomVR.DS, 1)
            .Add(DicomTags.RescaleType, DicomVR.LO, "HU")
            .Add(DicomTags.WindowCenterWidthExplanation, DicomVR.LO, "SOFT TISSUE\\LUNG")
            .AddPixelData(Render(size, slice));
    }

    /// <summary>
    /// A multi-frame CT object (frames are successive slices), for codec benchmarks that encode and decode many
    /// frames in one process.
    /// </summary>
    public static void WriteMultiFrame(string path, int size, int frames)
    {
        var pixels = new ushort[(long)size * size * frames];
        for (var f = 0; f < frames; f++) Render(size, f).CopyTo(pixels, (long)f * size * size);
        Create(size, 0)
            .Add(DicomTags.NumberOfFrames, DicomVR.IS, frames.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .AddPixelData(pixels)
            .WriteFile(path);
    }

    /// <summary>Writes one slice to <paramref name="path"/> (which must not exist).</summary>
    public static void Write(string path, int size = DefaultSize, int slice = 0, string? seriesInstanceUid = null, string? studyInstanceUid = null) =>
        Create(size, slice, seriesInstanceUid, studyInstanceUid).WriteFile(path);
}
