using System.Management.Automation;
using DicomTools.Dicom;
using DicomTools.Pixels;
using DicomTools.Commands;

namespace DicomTools;

/// <summary>
/// Get-DicomPixelData: decodes frames into typed pixel objects that carry what windowing needs. Frames are written
/// one at a time as they are decoded, so a long multi-frame file never sits in memory whole.
/// </summary>
[Cmdlet(VerbsCommon.Get, "DicomPixelData", DefaultParameterSetName = PathSet)]
[OutputType(typeof(DicomPixelData))]
public sealed class GetDicomPixelDataCommand : FrameCmdlet
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

    protected override void ProcessRecord()
    {
        var paths = ParameterSetName == InfoSet ? DicomInfo.Select(i => i.Path) : ResolveInputPaths(Path, LiteralPath);
        foreach (var path in paths)
        {
            if (Stopping) return;
            foreach (var frame in ReadFrames(path))
            {
                if (Stopping) return;
                WriteObject(frame);
            }
        }
    }
}
