using System.Management.Automation;
using DicomTools.Dicom;
using DicomTools.Pixels;

namespace DicomTools.Commands;

/// <summary>Decoding a file's selected frames with per-file and per-frame errors, shared by the cmdlets that decode.</summary>
internal static class FrameReading
{
    /// <summary>
    /// A reader for <paramref name="path"/>, or null after reporting why there is none (not DICOM, no pixel data,
    /// frames too large...).
    /// </summary>
    public static PixelDataReader? OpenReader(DicomCmdlet cmdlet, string path, long maxFrameBytes, DicomFile? alreadyRead = null)
    {
        DicomFile file;
        try
        {
            file = alreadyRead ?? DicomFile.Open(path, DicomReadOptions.Full);
        }
        catch (Exception e) when (ErrorPolicy.IsPerFile(e))
        {
            cmdlet.ReportInputError(path, e);
            return null;
        }
        // Outside the try: -WarningAction Stop must stop the pipeline, not become this file's error.
        if (alreadyRead is null) cmdlet.ReportWarnings(path, file.Warnings);
        try
        {
            return PixelDataReader.Open(file, maxFrameBytes);
        }
        catch (Exception e) when (ErrorPolicy.IsPerFile(e))
        {
            cmdlet.ReportInputError(path, e);
            return null;
        }
    }

    /// <summary>
    /// The frames to produce. Without a selection: the frames the Pixel Data holds, plus the first missing one (its
    /// own error says exactly which bytes are missing); the rest of a header's claim gets one error, not one per
    /// frame, so a lying Number of Frames costs one line, not two billion.
    /// </summary>
    public static IEnumerable<int> SelectFrames(DicomCmdlet cmdlet, string path, int[]? selection, PixelDataReader reader)
    {
        var frameCount = reader.NumberOfFrames;
        var available = reader.AvailableFrames;
        if (selection is null)
        {
            var last = Math.Min(frameCount - 1, available);
            for (var i = 0; i <= last; i++) yield return i;
            if (frameCount > available + 1)
                cmdlet.ReportInputError(path, new PixelDataException(
                    $"frames {available + 1} to {frameCount - 1} are missing too: the header states {frameCount} frame(s), the Pixel Data holds {available}"));
            yield break;
        }
        foreach (var requested in selection)
        {
            var index = ResolveFrame(requested, frameCount);
            if (index < 0)
            {
                cmdlet.ReportInputError(path, NoSuchFrame(requested, frameCount), ErrorCategory.InvalidArgument);
                continue;
            }
            yield return index;
        }
    }

    /// <summary>0-based frame number for <paramref name="requested"/> (negative counts from the end); -1 when out of range.</summary>
    public static int ResolveFrame(int requested, int frameCount)
    {
        var index = requested < 0 ? frameCount + requested : requested;
        return index >= 0 && index < frameCount ? index : -1;
    }

    public static PixelDataException NoSuchFrame(int requested, int frameCount) =>
        new($"frame {requested} does not exist: the file has {frameCount} frame(s), numbered 0 to {frameCount - 1}");
}
