using DicomTools.Codecs;
using DicomTools.Dicom;
using DicomTools.Imaging;
using DicomTools.Imaging.Presentation;
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
    public static bool IsDocumented(Exception e) => e is DicomReadException or PixelDataException or CodecException or PresentationStateException;

    /// <summary>Runs the input; returns the documented error it raised, or null when it went through.</summary>
    public static Exception? Run(byte[] input)
    {
        try
        {
            var header = DicomFile.Read(input, "fuzz.dcm", DicomReadOptions.HeaderOnly);
            _ = new DicomInfo(header).WindowCenter;
            foreach (var element in header.Dataset) _ = element.DisplayValue;

            var file = DicomFile.Read(input, "fuzz.dcm", DicomReadOptions.Full);
            if (file.Dataset.GetString(DicomTags.SOPClassUID)?.Trim() == GrayscalePresentationState.SopClassUid)
            {
                RenderThrough(GrayscalePresentationState.Read(file));
                return null;
            }
            if (file.PixelData is null) return null;
            // HTJ2K included: OpenJPEG's aborts on damaged HT code-blocks end its worker process, not this one.
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

    /// <summary>A presentation state read from a fuzz input is applied to a small frame it references.</summary>
    private static void RenderThrough(GrayscalePresentationState state)
    {
        var reference = state.Images[0];
        int frame = reference.Frames.Length > 0 ? Math.Clamp(reference.Frames[0] - 1, 0, 1) : 0;
        var pixels = new short[48 * 32];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (short)(i * 7 - 3000);
        var data = new DicomPixelData
        {
            Path = "fuzz.dcm", Frame = frame, NumberOfFrames = 2, Rows = 48, Columns = 32, SamplesPerPixel = 1,
            PhotometricInterpretation = "MONOCHROME2", BitsAllocated = 16, BitsStored = 16, IsSigned = true, Pixels = pixels,
            SOPInstanceUID = reference.SopInstanceUid,
        };
        _ = PresentationStateRenderer.Render(data, state, DisplaySettings.Default, _ => { });
    }
}
