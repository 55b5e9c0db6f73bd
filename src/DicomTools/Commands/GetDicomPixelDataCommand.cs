using System.Management.Automation;
using DicomTools.Codecs;
using DicomTools.Dicom;
using DicomTools.Pixels;

namespace DicomTools.Commands;

/// <summary>
/// Get-DicomPixelData: decodes frames into typed pixel objects that carry what windowing needs. Frames are written
/// one at a time as they are decoded, so a long multi-frame file never sits in memory whole.
/// </summary>
[Cmdlet(VerbsCommon.Get, "DicomPixelData", DefaultParameterSetName = PathSet)]
[OutputType(typeof(DicomPixelData))]
public sealed class GetDicomPixelDataCommand : DicomPathCmdlet
{
    private const string InfoSet = "Info";

    /// <summary>Headers from Get-DicomInfo; each one's file is decoded.</summary>
    [Parameter(Mandatory = true, ParameterSetName = InfoSet, ValueFromPipeline = true)]
    [Alias("InputObject")]
    public DicomInfo[] DicomInfo { get; set; } = Array.Empty<DicomInfo>();

    /// <summary>Frames to decode, 0-based; negative numbers count from the end (-1 is the last). All frames when absent.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public int[]? Frame { get; set; }

    /// <summary>Largest decoded frame accepted, in bytes (Rows x Columns x Samples x bytes per sample); larger
    /// frames are refused with an error before anything is allocated. Default 512 MiB.</summary>
    [Parameter]
    [ValidateRange(1L, long.MaxValue)]
    public long MaxImageBytes { get; set; } = PixelGeometry.DefaultMaxFrameBytes;

    protected override void ProcessRecord()
    {
        var paths = ParameterSetName == InfoSet ? DicomInfo.Select(i => i.Path) : ResolveInputPaths();
        foreach (var path in paths)
        {
            if (Stopping) return;
            foreach (var frame in FrameReading.ReadFrames(this, path, Frame, MaxImageBytes))
            {
                if (Stopping) return;
                WriteObject(frame);
            }
        }
    }
}

/// <summary>Decoding a file's selected frames with per-file and per-frame errors, shared by the cmdlets that decode.</summary>
internal static class FrameReading
{
    /// <summary>
    /// A reader for <paramref name="path"/>, or null after reporting why there is none (not DICOM, no pixel data,
    /// frames too large...).
    /// </summary>
    public static PixelDataReader? OpenReader(DicomCmdlet cmdlet, string path, long maxFrameBytes, DicomFile? alreadyRead = null)
    {
        try
        {
            var file = alreadyRead ?? DicomFile.Open(path, DicomReadOptions.Full);
            if (alreadyRead is null) cmdlet.ReportWarnings(path, file.Warnings);
            return PixelDataReader.Open(file, maxFrameBytes);
        }
        catch (Exception e) when (IsFileProblem(e))
        {
            cmdlet.ReportError(path, e);
            return null;
        }
    }

    public static IEnumerable<DicomPixelData> ReadFrames(DicomCmdlet cmdlet, string path, int[]? selection, long maxFrameBytes)
    {
        var reader = OpenReader(cmdlet, path, maxFrameBytes);
        if (reader is null) yield break;
        foreach (var index in SelectFrames(cmdlet, path, selection, reader))
        {
            DicomPixelData? frame = null;
            try
            {
                frame = reader.ReadFrame(index);
            }
            catch (Exception e) when (IsFileProblem(e))
            {
                cmdlet.ReportError(path, e);
            }
            if (frame is not null) yield return frame;
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
                cmdlet.ReportError(path, new PixelDataException(
                    $"frames {available + 1} to {frameCount - 1} are missing too: the header states {frameCount} frame(s), the Pixel Data holds {available}"));
            yield break;
        }
        foreach (var requested in selection)
        {
            var index = ResolveFrame(requested, frameCount);
            if (index < 0)
            {
                cmdlet.ReportError(path, NoSuchFrame(requested, frameCount), ErrorCategory.InvalidArgument);
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

    public static bool IsFileProblem(Exception e) =>
        e is DicomReadException or PixelDataException or CodecException or IOException or UnauthorizedAccessException;
}
