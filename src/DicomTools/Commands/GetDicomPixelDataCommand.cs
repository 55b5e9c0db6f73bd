using System.Management.Automation;
using DicomTools.Dicom;
using DicomTools.Pixels;
using DicomTools.Commands;

namespace DicomTools;

/// <summary>
/// Get-DicomPixelData: decodes frames into typed pixel objects that carry what windowing needs. The frames of a file
/// (and of the files after it) are decoded in parallel (-ThrottleLimit) and written in input order; the runner holds
/// at most a small window of them (twice the throttle), so a long multi-frame file never sits in memory whole and
/// is not decoded far ahead of the consumer.
/// </summary>
[Cmdlet(VerbsCommon.Get, "DicomPixelData", DefaultParameterSetName = PathSet)]
[OutputType(typeof(DicomPixelData))]
public sealed class GetDicomPixelDataCommand : ParallelFrameCmdlet<DicomPixelData>
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

    /// <summary>Headers from Get-DicomInfo; each one's file is decoded.</summary>
    [Parameter(Mandatory = true, ParameterSetName = InfoSet, ValueFromPipeline = true)]
    [Alias("InputObject")]
    public override DicomInfo[] DicomInfo { get; set; } = Array.Empty<DicomInfo>();

    internal override IEnumerable<FrameJob> Jobs() =>
        ParameterSetName == InfoSet ? InfoJobs() : ResolveInputPaths(Path, LiteralPath).SelectMany(FileJobs);

    internal override DicomPixelData Work(FrameJob job, List<string> warnings, CancellationToken token) => job.Decode();

    internal override void WriteResult(FrameJob job, DicomPixelData frame) => WriteObject(frame);
}
