namespace DicomTools.Imaging;

/// <summary>
/// A display image's pixels kept in a smaller form by the writer that has just encoded them (see
/// <see cref="DicomDisplayImage.EndLease"/>): a series whose images are held nowhere else gives their frame-sized
/// arrays back for reuse, and an image someone does hold still shows the same pixels when read.
/// </summary>
internal abstract class PackedPixels
{
    /// <summary>Writes the pixels, every byte of <paramref name="destination"/> (exactly the image's size).</summary>
    public abstract void Unpack(Span<byte> destination);
}
