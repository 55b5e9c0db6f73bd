using System.Management.Automation;
using DicomTools.Dicom;
using DicomTools.Commands;

namespace DicomTools;

/// <summary>
/// -Path (wildcards) and -LiteralPath input for the cmdlets that read DICOM files, from the command line and the
/// pipeline (strings, FileInfo).
/// </summary>
public abstract class DicomPathCmdlet : DicomCmdlet
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

    /// <summary>
    /// The file-system paths named by -Path or -LiteralPath in this pipeline step. Paths that do not exist, are
    /// directories or live on another provider are reported as errors and skipped.
    /// </summary>
    protected IEnumerable<string> ResolveInputPaths()
    {
        var literal = ParameterSetName == LiteralPathSet;
        return ResolveFilePaths(literal ? LiteralPath : Path, literal);
    }
}
