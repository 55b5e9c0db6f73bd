namespace DicomTools.Codecs.Jpeg;

/// <summary>Checks shared by the JPEG decoders before they touch the destination.</summary>
internal static class JpegOutput
{
    /// <summary>
    /// Rejects a geometry a JPEG frame cannot be written into (the destination size is checked by
    /// <see cref="CodecRegistry.DecodeFrame"/>).
    /// </summary>
    public static void Validate(FrameGeometry geometry, string codecName)
    {
        if (geometry.Rows <= 0 || geometry.Columns <= 0 || geometry.SamplesPerPixel <= 0)
            throw new CodecException($"{codecName}: header geometry {geometry.Columns}x{geometry.Rows} with {geometry.SamplesPerPixel} samples per pixel holds no pixels.");
        if (geometry.BitsAllocated is not (8 or 16 or 32))
            throw new CodecException($"{codecName}: cannot write samples {geometry.BitsAllocated} bits wide (Bits Allocated must be 8, 16 or 32 for JPEG data).");
    }
}
