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
    public static IEnumerable<DicomPixelData> ReadFrames(DicomCmdlet cmdlet, string path, int[]? selection, long maxFrameBytes)
    {
        PixelDataReader reader;
        try
        {
            var file = DicomFile.Open(path, DicomReadOptions.Full);
            cmdlet.ReportWarnings(path, file.Warnings);
            reader = PixelDataReader.Open(file, maxFrameBytes);
        }
        catch (Exception e) when (IsFileProblem(e))
        {
            cmdlet.ReportError(path, e);
            yield break;
        }

        using (reader)
        {
            foreach (var index in SelectFrames(cmdlet, path, selection, reader.NumberOfFrames))
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
    }

    public static IEnumerable<int> SelectFrames(DicomCmdlet cmdlet, string path, int[]? selection, int frameCount)
    {
        if (selection is null)
        {
            for (var i = 0; i < frameCount; i++) yield return i;
            yield break;
        }
        foreach (var requested in selection)
        {
            var index = requested < 0 ? frameCount + requested : requested;
            if (index < 0 || index >= frameCount)
            {
                cmdlet.ReportError(path, new PixelDataException($"frame {requested} does not exist: the file has {frameCount} frame(s), numbered 0 to {frameCount - 1}"), ErrorCategory.InvalidArgument);
                continue;
            }
            yield return index;
        }
    }

    public static bool IsFileProblem(Exception e) =>
        e is DicomReadException or PixelDataException or CodecException or IOException or UnauthorizedAccessException;
}
