namespace DicomTools.Pixels;

/// <summary>
/// The stored values an 8- or 16-bit sample array can hold at its Bits Stored: Length = 2^bits values starting at
/// Offset (0 unsigned, -2^(bits-1) signed). A lookup table over the domain is indexed by
/// <c>(value - Offset) &amp; Mask</c>: for a properly masked, sign-extended sample that is the identity, and for a
/// decoder that left garbage above the high bit it still stays inside the table.
/// </summary>
internal readonly record struct StoredDomain(int Offset, int Length)
{
    public int Mask => Length - 1;

    /// <summary>The domain of <paramref name="pixels"/> (byte[], sbyte[], ushort[] or short[]), or null for
    /// 32-bit and floating-point arrays, which have no table-sized domain. The array type decides signedness: the
    /// contract gives signed samples as sbyte[]/short[].</summary>
    public static StoredDomain? For(Array pixels, int bitsStored) => SampleKinds.Of(pixels) switch
    {
        SampleKind.UInt8 => new StoredDomain(0, 1 << Bits(bitsStored, 8)),
        SampleKind.Int8 => new StoredDomain(-(1 << (Bits(bitsStored, 8) - 1)), 1 << Bits(bitsStored, 8)),
        SampleKind.UInt16 => new StoredDomain(0, 1 << Bits(bitsStored, 16)),
        SampleKind.Int16 => new StoredDomain(-(1 << (Bits(bitsStored, 16) - 1)), 1 << Bits(bitsStored, 16)),
        _ => null,
    };

    private static int Bits(int bitsStored, int width) => bitsStored < 1 || bitsStored > width ? width : bitsStored;
}

/// <summary>Checks shared by every path: a frame whose arrays cannot hold what its header says is refused
/// (PixelDataException) before any loop runs, so no loop reads past an array.</summary>
internal static class FrameChecks
{
    /// <summary>Number of samples of the frame (Rows x Columns x SamplesPerPixel), after checking that
    /// <see cref="DicomPixelData.Pixels"/> is a supported array that holds them.</summary>
    public static int SampleCount(DicomPixelData frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.Rows <= 0 || frame.Columns <= 0 || frame.SamplesPerPixel <= 0)
            throw new PixelDataException(
                $"{Where(frame)}: {frame.Columns}x{frame.Rows} with {frame.SamplesPerPixel} samples per pixel is not an image");
        long needed = (long)frame.Rows * frame.Columns * frame.SamplesPerPixel;
        if (frame.Pixels is null)
            throw new PixelDataException($"{Where(frame)}: no pixel samples");
        if (SampleKinds.Of(frame.Pixels) == SampleKind.Unsupported)
            throw new PixelDataException(
                $"{Where(frame)}: pixel samples of type {frame.Pixels.GetType().Name} are not supported");
        if (needed > int.MaxValue || frame.Pixels.Length < needed)
            throw new PixelDataException(
                $"{Where(frame)}: {frame.Columns}x{frame.Rows}x{frame.SamplesPerPixel} needs {needed} samples, the frame holds {frame.Pixels.Length}");
        return (int)needed;
    }

    public static string Where(DicomPixelData frame) =>
        $"{System.IO.Path.GetFileName(frame.Path)} frame {frame.Frame}";
}
