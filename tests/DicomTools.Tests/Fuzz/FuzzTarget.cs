using DicomTools.Codecs;
using DicomTools.Dicom;
using DicomTools.Imaging;
using DicomTools.Pixels;

namespace DicomTools.Tests.Fuzz;

/// <summary>
/// What one fuzz input goes through: the header read, the full read, decoding of its first frames and their
/// rendering: everything a hostile file meets in the cmdlets. Only our documented error types may come out.
/// </summary>
public static class FuzzTarget
{
    /// <summary>Frames larger than this are refused when decoded, so a lying header costs no more than this.</summary>
    public const long MaxFrameBytes = 64L * 1024 * 1024;

    /// <summary>The exception types a damaged file may raise; anything else is a bug.</summary>
    public static bool IsDocumented(Exception e) => e is DicomReadException or PixelDataException or CodecException;

    /// <summary>Runs the input; returns the documented error it raised, or null when it went through.</summary>
    public static Exception? Run(byte[] input)
    {
        try
        {
            var header = DicomFile.Read(input, "fuzz.dcm", DicomReadOptions.HeaderOnly);
            _ = new DicomInfo(header).WindowCenter;
            foreach (var element in header.Dataset) _ = element.DisplayValue;

            var file = DicomFile.Read(input, "fuzz.dcm", DicomReadOptions.Full);
            if (file.PixelData is null) return null;
            var reader = PixelDataReader.Open(file, MaxFrameBytes);
            for (var frame = 0; frame < Math.Min(2, reader.NumberOfFrames); frame++)
            {
                var pixels = reader.ReadFrame(frame);
                _ = DisplayRenderer.Render(pixels, DisplaySettings.Default, _ => { });
                if (!pixels.IsColor) _ = DisplayRenderer.RenderGrey16(pixels, DisplaySettings.Default, _ => { });
            }
            return null;
        }
        catch (Exception e) when (IsDocumented(e))
        {
            return e;
        }
    }
}
