using DicomTools.Dicom;
using DicomTools.Pixels;

namespace DicomTools;

/// <summary>
/// The header and the pixel data do not fit together (too little data for a frame, an impossible geometry, a
/// transfer syntax we cannot decode yet), so a frame cannot be produced (PixelDataError). The message names the frame and the problem.
/// </summary>
public sealed class PixelDataException : DicomToolsException
{
    public PixelDataException(string message) : base("PixelDataError", DicomErrorKind.InvalidData, message) { }
    public PixelDataException(string message, Exception inner) : base("PixelDataError", DicomErrorKind.InvalidData, message, inner) { }
}
