namespace DicomTools.Codecs.Jpeg;

/// <summary>
/// Colour handling of DCT JPEG: deciding whether a 3-component codestream holds YCbCr or RGB, and converting
/// YCbCr to RGB with the full-range JFIF equations (ITU-T T.871 section 7):
/// R = Y + 1.402 (Cr - c), G = Y - 0.344136 (Cb - c) - 0.714136 (Cr - c), B = Y + 1.772 (Cb - c), c = 2^(P-1).
/// The products are tabulated in 16-bit fixed point with the rounding libjpeg uses (constants 1.40200, 0.34414,
/// 0.71414, 1.77200), so given the same YCbCr samples the result equals what DCMTK and GDCM produce.
/// </summary>
internal static class JpegColor
{
    /// <summary>
    /// Whether the three components of the codestream are YCbCr. The codestream's own declarations win, in the
    /// order libjpeg reads them: an Adobe APP14 marker's transform flag (0 = none, so RGB), then a JFIF APP0
    /// marker (JFIF is YCbCr by definition), then component identifiers 'R','G','B'. When the codestream says
    /// nothing, the header's Photometric Interpretation decides (YBR_* means YCbCr), as DCMTK and GDCM do.
    /// </summary>
    public static bool HoldsYCbCr(JpegFrameInfo frame, string photometricInterpretation)
    {
        if (frame.Components.Length != 3) return false;
        if (frame.HasAdobeMarker) return frame.AdobeTransform != 0;
        if (frame.HasJfifMarker) return true;
        if (frame.Components[0].Identifier == 'R' && frame.Components[1].Identifier == 'G' && frame.Components[2].Identifier == 'B')
            return false;
        return photometricInterpretation.StartsWith("YBR", StringComparison.Ordinal);
    }

    private const int ScaleBits = 16;
    private const int OneHalf = 1 << (ScaleBits - 1);

    private static int Fix(double x) => (int)(x * (1 << ScaleBits) + 0.5);

    private static readonly Lazy<YCbCrTables> Tables8 = new(() => new YCbCrTables(8));
    private static readonly Lazy<YCbCrTables> Tables12 = new(() => new YCbCrTables(12));

    public static YCbCrTables TablesFor(int precision) => precision <= 8 ? Tables8.Value : Tables12.Value;

    /// <summary>Per-sample-value contributions of Cb and Cr, one table per term, over 0..2^P-1.</summary>
    public sealed class YCbCrTables
    {
        public YCbCrTables(int precision)
        {
            int size = 1 << precision;
            int center = size >> 1;
            MaxValue = size - 1;
            CrToRed = new int[size];
            CbToBlue = new int[size];
            CrToGreen = new int[size];
            CbToGreen = new int[size];
            for (int i = 0; i < size; i++)
            {
                int x = i - center;
                CrToRed[i] = (Fix(1.40200) * x + OneHalf) >> ScaleBits;
                CbToBlue[i] = (Fix(1.77200) * x + OneHalf) >> ScaleBits;
                CrToGreen[i] = -Fix(0.71414) * x;
                CbToGreen[i] = -Fix(0.34414) * x + OneHalf;
            }
        }

        public int MaxValue { get; }
        public int[] CrToRed { get; }
        public int[] CbToBlue { get; }
        public int[] CrToGreen { get; }
        public int[] CbToGreen { get; }

        /// <summary>Converts one row in place: the three spans hold Y, Cb, Cr on entry and R, G, B on return.</summary>
        public void ConvertRow(Span<int> first, Span<int> second, Span<int> third)
        {
            int max = MaxValue;
            int[] crToRed = CrToRed, cbToBlue = CbToBlue, crToGreen = CrToGreen, cbToGreen = CbToGreen;
            for (int x = 0; x < first.Length; x++)
            {
                int y = first[x];
                int cb = second[x] & max; // inputs are already clamped to 0..max; the mask only proves it
                int cr = third[x] & max;
                first[x] = Math.Clamp(y + crToRed[cr], 0, max);
                second[x] = Math.Clamp(y + ((cbToGreen[cb] + crToGreen[cr]) >> ScaleBits), 0, max);
                third[x] = Math.Clamp(y + cbToBlue[cb], 0, max);
            }
        }
    }
}
