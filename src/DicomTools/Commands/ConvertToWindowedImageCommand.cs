using System.Management.Automation;
using DicomTools.Imaging;
using DicomTools.Pixels;
using DicomTools.Commands;

namespace DicomTools;

/// <summary>
/// ConvertTo-WindowedImage: applies the DICOM display pipeline (Modality LUT, VOI window or LUT, presentation) and
/// writes 8-bit display images. By default the window stored in the file is used. Frames render in parallel and
/// come out in input order.
/// </summary>
[Cmdlet(VerbsData.ConvertTo, "WindowedImage", DefaultParameterSetName = PathSet)]
[OutputType(typeof(DicomDisplayImage))]
public sealed class ConvertToWindowedImageCommand : WindowingCmdlet<DicomDisplayImage>
{
    /// <summary>Files to read; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>Files to read, taken exactly as written (no wildcards).</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    /// <summary>Decoded frames from Get-DicomPixelData.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PixelDataSet, ValueFromPipeline = true)]
    public DicomPixelData[] PixelData { get; set; } = Array.Empty<DicomPixelData>();

    internal override IEnumerable<FrameJob> Jobs() => ParameterSetName switch
    {
        PixelDataSet => PixelDataJobs(PixelData),
        InfoSet => InfoJobs(),
        _ => ResolveInputPaths(Path, LiteralPath).SelectMany(FileJobs),
    };

    // Grey images are rendered into pooled arrays: Export-DicomImage gives such an array back once it has written the
    // image and nobody has read its Pixels (the image keeps the pixels packed; reading them unpacks them).
    internal override DicomDisplayImage Work(FrameJob job, List<string> warnings, CancellationToken token) =>
        Render(job, warnings, pooledPixels: true);

    internal override void WriteResult(FrameJob job, DicomDisplayImage image) => WriteObject(image);
}
