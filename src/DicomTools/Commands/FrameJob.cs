using System.Management.Automation;
using DicomTools.Dicom;
using DicomTools.Imaging;
using DicomTools.Pixels;

namespace DicomTools.Commands;

/// <summary>
/// One frame to render or export, in whichever form it reached the cmdlet: a file already parsed (path and info
/// inputs), decoded pixel data, or a display image. Jobs are made on the pipeline thread and run on workers.
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
    /// <summary>Parsed file (pixel data located, not read) for path and info inputs.</summary>
    public DicomFile? File { get; private init; }
    public DicomPixelData? PixelData { get; private init; }
    public DicomDisplayImage? Image { get; private init; }
    /// <summary>Where an export writes this frame (resolved on the pipeline thread).</summary>
    public string? Target { get; set; }

    /// <summary>
    /// The text of a header attribute (File Meta Information included) for output names; null when absent.
    /// </summary>
    public string? HeaderText(string keyword)
    {
        if (File is not null) return (File.FileMetaInformation.Find(keyword) ?? File.Dataset.Find(keyword))?.GetText();
        var header = PixelData?.Header ?? Image?.Source?.Header;
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
    public static IEnumerable<FrameJob> ForFile(DicomCmdlet cmdlet, string path, int[]? selection) => ForFile(cmdlet, path, selection, null);

    /// <summary>
    /// Jobs for the file a Get-DicomInfo object describes. Its header read is reused when it already located the
    /// pixel data (native data: one read of the file instead of two); encapsulated data is read again in full.
    /// </summary>
    public static IEnumerable<FrameJob> ForInfo(DicomCmdlet cmdlet, DicomInfo info, int[]? selection) =>
        ForFile(cmdlet, info.Path, selection,
            info.File.PixelData is { Fragments: null, HasUndefinedLength: false, ValueOffset: >= 0 } && !info.File.TransferSyntax.IsDeflated ? info.File : null);

    private static IEnumerable<FrameJob> ForFile(DicomCmdlet cmdlet, string path, int[]? selection, DicomFile? alreadyRead)
    {
        DicomFile file;
        int frames;
        try
        {
            file = alreadyRead ?? DicomFile.Open(path, DicomReadOptions.Full);
            if (alreadyRead is null) cmdlet.ReportWarnings(path, file.Warnings);
            if (file.PixelData is null) throw new PixelDataException("the file has no Pixel Data");
            frames = PixelGeometry.NumberOfFrames(file.Dataset);
        }
        catch (Exception e) when (FrameReading.IsFileProblem(e))
        {
            cmdlet.ReportError(path, e);
            yield break;
        }
        foreach (var index in FrameReading.SelectFrames(cmdlet, path, selection, frames))
            yield return new FrameJob(path, index, frames) { File = file };
    }

    /// <summary>The decoded frame (decoding it now for file jobs). Runs on a worker thread.</summary>
    public DicomPixelData Decode(long maxFrameBytes)
    {
        if (PixelData is not null) return PixelData;
        if (Image?.Source is { } source) return source;
        if (File is null) throw new PixelDataException($"frame {Frame}: the image does not carry its pixel data");
        using var reader = PixelDataReader.Open(File, maxFrameBytes);
        return reader.ReadFrame(Frame);
    }

    /// <summary>The display image (rendering it now unless the job is one). Runs on a worker thread.</summary>
    public DicomDisplayImage Render(DisplaySettings settings, List<string> warnings, long maxFrameBytes) =>
        Image ?? DisplayRenderer.Render(Decode(maxFrameBytes), settings, warnings.Add);
}

/// <summary>
/// What a worker hands back: the result or the error, and the warnings met on the way (all written on the
/// pipeline thread).
/// </summary>
internal sealed record JobOutcome<T>(T? Value, List<string> Warnings, Exception? Error)
{
    /// <summary>Runs <paramref name="body"/>, keeping its warnings even when it fails.</summary>
    public static JobOutcome<T> Run(Func<List<string>, T> body)
    {
        var warnings = new List<string>();
        try
        {
            return new JobOutcome<T>(body(warnings), warnings, null);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new JobOutcome<T>(default, warnings, e);
        }
    }
}
