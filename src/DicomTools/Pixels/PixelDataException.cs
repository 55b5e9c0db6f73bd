namespace DicomTools.Pixels;

/// <summary>
/// The header and the pixel data do not fit together (too little data for a frame, an impossible geometry, a
/// transfer syntax we cannot decode yet), so a frame cannot be produced. The message names the frame and the problem.
/// </summary>
public sealed class PixelDataException : Exception
{
    public PixelDataException(string message) : base(message) { }
    public PixelDataException(string message, Exception inner) : base(message, inner) { }
}
