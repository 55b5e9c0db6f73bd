using DicomTools.Codecs;

namespace DicomTools.Pixels;

/// <summary>
/// A DICOM file's pixel data opened for frame-by-frame access, before any decoding: what a codec is handed.
/// (Contract for the codecs; the implementation lands with the reader.)
/// </summary>
public sealed class FrameSource : IDisposable
{
    private FrameSource() { }

    /// <summary>Reads the header of <paramref name="path"/> and locates its pixel data (native or encapsulated).</summary>
    public static FrameSource Open(string path) => throw new NotImplementedException("lands with the reader");

    public FrameGeometry Geometry { get; private init; } = null!;

    public string TransferSyntaxUID { get; private init; } = "";

    public int NumberOfFrames { get; private init; }

    public bool IsEncapsulated { get; private init; }

    /// <summary>One frame's bytes as stored: for encapsulated data, its fragments joined; for native data, the
    /// frame's slice of Pixel Data.</summary>
    public byte[] ReadEncodedFrame(int index) => throw new NotImplementedException("lands with the reader");

    public void Dispose() { }
}
