using System.Management.Automation;
using DicomTools.Commands.Scheduling;
using DicomTools.Dicom;

namespace DicomTools.Commands;

/// <summary>
/// Get-DicomInfo: reads DICOM headers (never the pixel values) and writes one DicomInfo per file. Headers are parsed
/// on worker threads (-ThrottleLimit) while paths are resolved and results written on the pipeline thread, in input
/// order, with each file's warnings and errors where that file's output would be.
/// </summary>
[Cmdlet(VerbsCommon.Get, "DicomInfo", DefaultParameterSetName = PathSet)]
[OutputType(typeof(DicomInfo))]
public sealed class GetDicomInfoCommand : DicomPathCmdlet, IDisposable
{
    /// <summary>A header read costs tens of microseconds: hold this many files per worker ahead of the writer so
    /// files piped in one at a time still keep every worker busy.</summary>
    private const int FilesAheadPerWorker = 16;

    private JobRunner<HeaderJob, DicomInfo>? _runner;

    /// <summary>Most headers read at once (default: the number of processors).</summary>
    [Parameter]
    [ValidateRange(1, 256)]
    public int ThrottleLimit { get; set; } = JobRunner.DefaultDegree;

    protected override void BeginProcessing()
    {
        _runner = new JobRunner<HeaderJob, DicomInfo>(this, (job, _) => JobOutcome<DicomInfo>.Run(warnings => Read(job.Path, warnings)),
            ThrottleLimit, (_, info) => WriteObject(info), MyInvocation.MyCommand.Name, maxHeld: FilesAheadPerWorker * ThrottleLimit);
    }

    protected override void ProcessRecord()
    {
        foreach (var path in ResolveInputPaths())
        {
            if (Stopping) return;
            _runner!.Add(new HeaderJob(path));
        }
    }

    protected override void EndProcessing() => _runner?.Finish();

    protected override void StopProcessing() => _runner?.Cancel();

    protected override void FlushPendingOutput() => _runner?.Flush();

    /// <summary>One file's header, on a worker thread; its warnings are written with it on the pipeline thread.</summary>
    private static DicomInfo Read(string path, List<string> warnings)
    {
        TestHooks.Check(path);
        var info = new DicomInfo(DicomFile.Open(path, DicomReadOptions.HeaderOnly));
        warnings.AddRange(info.Warnings);
        return info;
    }

    /// <summary>PowerShell disposes the cmdlet when the pipeline ends, stopped or not: no worker outlives it.</summary>
    public void Dispose()
    {
        _runner?.Dispose();
        GC.SuppressFinalize(this);
    }

    private sealed record HeaderJob(string Path) : IFileJob;
}
