using DicomTools.Pixels;

namespace DicomTools.Imaging;

/// <summary>Min and max modality values of a frame (placeholder until the LUT pipeline lands).</summary>
internal static class ModalityRange
{
    public static (double Min, double Max) Compute(DicomPixelData frame) => throw new NotImplementedException();
}
