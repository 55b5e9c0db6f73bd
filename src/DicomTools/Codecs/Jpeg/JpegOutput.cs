namespace DicomTools.Codecs.Jpeg;

/// <summary>Checks shared by the JPEG decoders before they touch the destination.</summary>
internal static class JpegOutput
{
    /// <summary>
    /// Rejects a geometry a JPEG frame cannot be written into and a destination of the wrong size. The
    /// destination size is the caller's contract, so a mismatch is an argument error, not a damaged codestream.
    /// </summary>
    public static void Validate(FrameGeometry geometry, Span<byte> destination, string codecName)
    {
        if (geometry.Rows <= 0 || geometry.Columns <= 0 || geometry.SamplesPerPixel <= 0)
            throw new CodecException($"{codecName}: header geometry {geometry.Columns}x{geometry.Rows} with {geometry.SamplesPerPixel} samples per pixel holds no pixels.");
        if (geometry.BitsAllocated is not (8 or 16 or 32))
            throw new CodecException($"{codecName}: cannot write samples {geometry.BitsAllocated} bits wide (Bits Allocated must be 8, 16 or 32 for JPEG data).");
        if (destination.Length != geometry.FrameByteLength)
            throw new ArgumentException($"{codecName}: destination holds {destination.Length} bytes, the frame needs {geometry.FrameByteLength}.", nameof(destination));
    }
}
