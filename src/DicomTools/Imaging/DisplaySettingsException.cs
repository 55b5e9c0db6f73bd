using DicomTools.Dicom;
using DicomTools.Imaging;

namespace DicomTools;

/// <summary>
/// A display setting does not fit the frame it is applied to (a window or VOI LUT index the file does not have, a
/// percentile range that is not one), so that frame cannot be rendered as asked (InvalidDisplaySettings). Other
/// frames with the same settings may well render.
/// </summary>
public sealed class DisplaySettingsException : DicomToolsException
{
    public DisplaySettingsException(string message)
        : base("InvalidDisplaySettings", DicomErrorKind.InvalidArgument, message)
    {
    }
}
