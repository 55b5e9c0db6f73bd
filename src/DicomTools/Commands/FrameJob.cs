using System.Management.Automation;
using DicomTools.Commands.Scheduling;
using DicomTools.Dicom;
using DicomTools.Imaging;
using DicomTools.Pixels;

namespace DicomTools.Commands;

/// <summary>
/// One frame to render or export, in whichever form it reached the cmdlet: a frame of a file (path and info inputs;
/// all jobs of one file share its reader, which is safe across threads), decoded pixel data, or a display image.
/// Jobs are made on the pipeline thread and run on workers.
/// </summary>
internal sealed class FrameJob : IFileJob
{
    private FrameJob(string path, int frame, int numberOfFrames)
    {
        Path = path;
        Frame = frame;
        NumberOfFrames = numberOfFrames;
    }

    public string Path { get; }
    public int Frame { get; }
    public int NumberOfFrames { get; }
    /// <summary>The file's reader, for path and info inputs.</summary>
    public PixelDataReader? Reader { get; private init; }
    public DicomPixelData? PixelData { get; private init; }
    public DicomDisplayImage? Image { get; private init; }
    /// <summary>Where an export writes this frame (resolved on the pipeline thread).</summary>
    public string? Target { get; set; }

    /// <summary>The text of a header attribute (File Meta Information included) for output names; null when absent.</summary>
    public string? HeaderText(string keyword)
    {
        var header = Reader?.Header ?? PixelData?.Header ?? Image?.SourceHeader;
        return header?.GetElement(keyword)?.GetText();
    }

    public static FrameJob ForPixelData(DicomPixelData pixels) =>
        new(pixels.Path, pixels.Frame, pixels.NumberOfFrames) { PixelData = pixels };

    public static FrameJob ForImage(DicomDisplayImage image) =>
        new(image.Path, image.Frame, image.NumberOfFrames) { Image = image };

    /// <summary>
    /// Parses <paramref name="path"/> and makes one job per selected frame. Problems are reported through the
    /// cmdlet (per file, per frame) and give no job.
    /// </summary>
    public static IEnumerable<FrameJob> ForFile(DicomCmdlet cmdlet, string path, int[]? selection, long maxFrameBytes) =>
        ForReader(cmdlet, path, selection, FrameReading.OpenReader(cmdlet, path, maxFrameBytes));

    /// <summary>
    /// Jobs for the file a Get-DicomInfo object describes. Its header read is reused when it already located the
    /// pixel data (native data: one read of the file instead of two); encapsulated data is read again in full.
    /// </summary>
    public static IEnumerable<FrameJob> ForInfo(DicomCmdlet cmdlet, DicomInfo info, int[]? selection, long maxFrameBytes)
    {
        var reuse = info.File.PixelData is { Fragments: null, HasUndefinedLength: false, ValueOffset: >= 0 } && !info.File.TransferSyntax.IsDeflated;
        return ForReader(cmdlet, info.Path, selection, FrameReading.OpenReader(cmdlet, info.Path, maxFrameBytes, reuse ? info.File : null));
    }

    private static IEnumerable<FrameJob> ForReader(DicomCmdlet cmdlet, string path, int[]? selection, PixelDataReader? reader)
    {
        if (reader is null) return Array.Empty<FrameJob>();
        return FrameReading.SelectFrames(cmdlet, path, selection, reader)
            .Select(index => new FrameJob(path, index, reader.NumberOfFrames) { Reader = reader });
    }

    /// <summary>
    /// True when the job's frame is among <paramref name="selection"/> (0-based, negative from the end); used to
    /// filter frames that arrive already decoded.
    /// </summary>
    public bool IsSelected(int[]? selection) =>
        selection is null || selection.Any(requested => FrameReading.ResolveFrame(requested, NumberOfFrames) == Frame);

    /// <summary>The decoded frame (decoding it now for file jobs). Runs on a worker thread.</summary>
    public DicomPixelData Decode()
    {
        if (PixelData is not null) return PixelData;
        if (Image?.Source is { } source) return source;
        if (Reader is null) throw new PixelDataException($"frame {Frame}: the image does not carry its pixel data");
        return Reader.ReadFrame(Frame);
    }

    /// <summary>The display image (rendering it now unless the job is one). Runs on a worker thread.</summary>
    /// <param name="pooledPixels">A rendered image's grey pixels come from <see cref="SampleBufferPool"/> (the
    /// caller keeps the image to itself and returns them).</param>
    public DicomDisplayImage Render(DisplaySettings settings, List<string> warnings, bool pooledPixels = false)
    {
        if (Image is not null) return Image;
        if (Reader is not { } reader || PixelData is not null)
            return DisplayRenderer.Render(Decode(), settings, warnings.Add, pooledPixels: pooledPixels);
        // A frame of a file: nobody but the renderer sees its decoded samples, so they go into a pooled array that is
        // returned as soon as the display image is made, and the image's Source decodes the frame again if asked.
        var index = Frame;
        var frame = reader.ReadFrame(index, pooledSamples: true);
        try
        {
            return DisplayRenderer.Render(frame, settings, warnings.Add,
                DicomDisplayImage.DecodeOnDemand(() => reader.ReadFrame(index)), pooledPixels);
        }
        finally
        {
            SampleBufferPool.Return(frame.Pixels);
        }
    }
}
