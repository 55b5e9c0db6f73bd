using DicomTools.Imaging;
using DicomTools.Pixels;

namespace DicomTools.Tests.Imaging;

/// <summary>Builds small frames directly (one row of samples) for the display-pipeline tests.</summary>
internal static class TestFrames
{
    public static DicomPixelData Grey(Array pixels, int bitsStored, bool signed, string photometric = "MONOCHROME2",
        double? slope = null, double? intercept = null, DicomLut? modalityLut = null,
        double[]? centers = null, double[]? widths = null, string[]? explanations = null, string? function = null,
        DicomLut[]? voiLuts = null, string? presentationShape = null, int? rows = null)
    {
        int r = rows ?? 1;
        return new DicomPixelData
        {
            Path = "/test/grey.dcm",
            Frame = 1,
            NumberOfFrames = 1,
            Rows = r,
            Columns = pixels.Length / r,
            SamplesPerPixel = 1,
            PhotometricInterpretation = photometric,
            BitsAllocated = pixels switch { byte[] or sbyte[] => 8, ushort[] or short[] => 16, float[] or int[] or uint[] => 32, _ => 64 },
            BitsStored = bitsStored,
            IsSigned = signed,
            Pixels = pixels,
            RescaleSlope = slope,
            RescaleIntercept = intercept,
            ModalityLut = modalityLut,
            WindowCenter = centers ?? Array.Empty<double>(),
            WindowWidth = widths ?? Array.Empty<double>(),
            WindowCenterWidthExplanation = explanations ?? Array.Empty<string>(),
            VOILUTFunction = function,
            VoiLuts = voiLuts ?? Array.Empty<DicomLut>(),
            PresentationLUTShape = presentationShape,
        };
    }

    public static DicomPixelData Color(Array pixels, string photometric, int bitsStored = 8, int samplesPerPixel = 3,
        DicomLut? red = null, DicomLut? green = null, DicomLut? blue = null, bool signed = false) => new()
    {
        Path = "/test/colour.dcm",
        Frame = 1,
        NumberOfFrames = 1,
        Rows = 1,
        Columns = pixels.Length / samplesPerPixel,
        SamplesPerPixel = samplesPerPixel,
        PhotometricInterpretation = photometric,
        BitsAllocated = pixels is byte[] ? 8 : pixels is uint[] ? 32 : 16,
        BitsStored = bitsStored,
        IsSigned = signed,
        Pixels = pixels,
        RedPalette = red,
        GreenPalette = green,
        BluePalette = blue,
    };

    public static ushort[] Range16(int from, int to) =>
        Enumerable.Range(from, to - from + 1).Select(v => (ushort)v).ToArray();

    public static short[] RangeSigned16(int from, int to) =>
        Enumerable.Range(from, to - from + 1).Select(v => (short)v).ToArray();
}

/// <summary>
/// PS3.3 formulas written out again from the standard's text for the tests (C.11.2.1.2.1, C.11.2.1.3.1,
/// C.11.2.1.3.2 with y_min = 0), and the reference renderings' rounding: floor(v + 0.5) clipped to 0..y_max.
/// </summary>
internal static class Standard
{
    public static double Linear(double x, double c, double w, double yMax)
    {
        if (x <= c - 0.5 - (w - 1) / 2) return 0;
        if (x > c - 0.5 + (w - 1) / 2) return yMax;
        return ((x - (c - 0.5)) / (w - 1) + 0.5) * yMax;
    }

    public static double LinearExact(double x, double c, double w, double yMax)
    {
        if (x <= c - w / 2) return 0;
        if (x > c + w / 2) return yMax;
        return ((x - c) / w + 0.5) * yMax;
    }

    public static double Sigmoid(double x, double c, double w, double yMax) => yMax / (1 + Math.Exp(-4 * (x - c) / w));

    public static int Round(double v, int yMax) => (int)Math.Clamp(Math.Floor(v + 0.5), 0, yMax);

    /// <summary>numpy.percentile's default ("linear"): rank p/100 x (n - 1) between the two nearest order statistics.</summary>
    public static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        double rank = p / 100 * (sorted.Length - 1);
        int k = (int)Math.Floor(rank);
        if (k + 1 >= sorted.Length) return sorted[^1];
        return sorted[k] + (sorted[k + 1] - sorted[k]) * (rank - k);
    }
}
