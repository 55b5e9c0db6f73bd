using System.Runtime.CompilerServices;

namespace DicomTools.Codecs.Jpeg.Dct;

/// <summary>
/// The one path from quantized coefficients to samples, shared by every scan type: dequantize with the
/// component's latched table and run libjpeg's integer inverse DCT (<see cref="IntegerInverseDct"/>) into the
/// component's plane. Sequential scans call <see cref="Emit"/> per block as they decode; progressive frames call
/// <see cref="TransformBuffered"/> once, after the last scan. Blocks outside the component (MCU padding) are
/// dropped; a component no scan carried decodes as all-zero coefficients, the centre level, as in libjpeg.
/// </summary>
internal static class DctOutput
{
    /// <summary>
    /// Transforms <paramref name="coefficients"/> into block (<paramref name="blockX"/>, <paramref name="blockY"/>)
    /// of the component's plane and clears the coefficients it may have used, ready for the next block.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Emit(DctFrame frame, DctComponent c, int blockX, int blockY, Span<short> coefficients, bool dcOnly)
    {
        if (blockX < c.BlocksWide && blockY < c.BlocksHigh)
        {
            ComponentPlane plane = c.Plane;
            Span<short> target = plane.Samples.AsSpan(8 * (blockY * plane.Stride + blockX));
            if (dcOnly) frame.Idct.TransformDcOnly(coefficients[0], c.Quantization![0], target, plane.Stride);
            else TransformFull(frame.Idct, coefficients, c.Quantization!, target, plane.Stride);
        }
        if (dcOnly) coefficients[0] = 0;
        else coefficients.Clear();
    }

    [SkipLocalsInit]
    private static void TransformFull(IntegerInverseDct idct, ReadOnlySpan<short> coefficients, int[] quantization, Span<short> target, int stride)
    {
        Span<int> workspace = stackalloc int[64];
        idct.Transform(coefficients, quantization, workspace, target, stride);
    }

    /// <summary>After the last scan of a progressive frame: every block of every component, from its buffer.</summary>
    [SkipLocalsInit]
    public static void TransformBuffered(DctFrame frame)
    {
        Span<int> workspace = stackalloc int[64];
        foreach (DctComponent c in frame.Components)
        {
            if (!c.Scanned) continue;
            ComponentPlane plane = c.Plane;
            int[] quantization = c.Quantization!;
            for (int blockY = 0; blockY < c.BlocksHigh; blockY++)
            {
                for (int blockX = 0; blockX < c.BlocksWide; blockX++)
                {
                    ReadOnlySpan<short> block = c.Block(blockX, blockY);
                    Span<short> target = plane.Samples.AsSpan(8 * (blockY * plane.Stride + blockX));
                    frame.Idct.Transform(block, quantization, workspace, target, plane.Stride);
                }
            }
        }
    }

    /// <summary>Fills the plane of a component no scan carried with the centre level.</summary>
    public static void FillUnscanned(DctFrame frame)
    {
        foreach (DctComponent c in frame.Components)
        {
            if (c.Scanned) continue;
            ComponentPlane plane = c.Plane;
            plane.Samples.AsSpan(0, plane.Stride * plane.PaddedHeight).Fill((short)(1 << (frame.Precision - 1)));
        }
    }
}
