namespace DicomTools.Codecs;

/// <summary>
/// What the DICOM header says one frame looks like. Every frame decoder is told this and must produce exactly
/// <see cref="FrameByteLength"/> bytes in the native layout: little endian, samples interleaved
/// (planar configuration 0), each sample <see cref="BitsAllocated"/> wide. The header decides how the bytes are
/// read afterwards (Bits Stored, Pixel Representation), whatever the codestream claims.
/// </summary>
internal sealed record FrameGeometry(
    int Rows,
    int Columns,
    int SamplesPerPixel,
    int BitsAllocated,
    int BitsStored,
    bool IsSigned,
    string PhotometricInterpretation,
    int PlanarConfiguration)
{
    public int BytesPerSample => BitsAllocated <= 8 ? 1 : (BitsAllocated + 7) / 8;

    public long SampleCount => (long)Rows * Columns * SamplesPerPixel;

    /// <summary>Bytes of one decoded frame in the native layout (1-bit data packs 8 pixels a byte).</summary>
    public long FrameByteLength => BitsAllocated == 1 ? (SampleCount + 7) / 8 : SampleCount * BytesPerSample;
}
