using System.Management.Automation;
using DicomTools.Commands.Scheduling;
using DicomTools.Dicom;
using DicomTools.Pixels;
using DicomTools.Commands;

namespace DicomTools;

/// <summary>
/// The base of the cmdlets that read frames (Get-DicomPixelData, ConvertTo-WindowedImage, Export-DicomImage): the
/// -DicomInfo input, -Frame and -MaxImageBytes, and turning files, headers and piped frames into the frames to work
/// on, with per-file and per-frame errors. Each sealed cmdlet adds its own inputs (-Path/-LiteralPath, -PixelData,
/// -SourcePath...), as Get-FileHash adds its inputs to HashCmdletBase.
/// </summary>
public abstract class FrameCmdlet : DicomCmdlet
{
    protected const string InfoSet = "Info";
    protected const string PixelDataSet = "PixelData";

    /// <summary>Headers from Get-DicomInfo; each one's file is decoded. Virtual so a cmdlet can add an alias
    /// (PowerShell takes the parameter attributes of the override).</summary>
    [Parameter(Mandatory = true, ParameterSetName = InfoSet, ValueFromPipeline = true)]
    public virtual DicomInfo[] DicomInfo { get; set; } = Array.Empty<DicomInfo>();

    /// <summary>Frames to read (0-based; negative numbers count from the end, -1 is the last). All frames when
    /// absent. Frames arriving already decoded or rendered are filtered by it.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public int[]? Frame { get; set; }

    /// <summary>Largest decoded frame accepted, in bytes (Rows x Columns x Samples x bytes per sample); larger
    /// frames are refused with an error before anything is allocated. Default 512 MiB.</summary>
    [Parameter]
    [ValidateRange(1L, long.MaxValue)]
    public long MaxImageBytes { get; set; } = PixelGeometry.DefaultMaxFrameBytes;

    /// <summary>-Path (wildcards) or -LiteralPath input as file-system paths; see <see cref="DicomCmdlet.ResolveFilePaths"/>.</summary>
    protected IEnumerable<string> ResolveInputPaths(string[] path, string[] literalPath) =>
        ParameterSetName == LiteralPathSet ? ResolveFilePaths(literalPath, literal: true) : ResolveFilePaths(path, literal: false);

    /// <summary>One job per selected frame of a file.</summary>
    internal IEnumerable<FrameJob> FileJobs(string path) => FrameJob.ForFile(this, path, Frame, MaxImageBytes);

    /// <summary>One job per selected frame of each -DicomInfo file.</summary>
    internal IEnumerable<FrameJob> InfoJobs() => DicomInfo.SelectMany(info => FrameJob.ForInfo(this, info, Frame, MaxImageBytes));

    /// <summary>Jobs for frames that arrive decoded, filtered by -Frame.</summary>
    internal IEnumerable<FrameJob> PixelDataJobs(IEnumerable<DicomPixelData> pixels) =>
        pixels.Select(FrameJob.ForPixelData).Where(job => job.IsSelected(Frame));
}

/// <summary>
/// A <see cref="FrameCmdlet"/> whose frames are worked on in parallel (-ThrottleLimit) and come out in input order:
/// ProcessRecord makes the jobs on the pipeline thread, <see cref="Work"/> runs on workers, <see cref="WriteResult"/>
/// and every error, warning and progress record are written back on the pipeline thread. Stopping cancels the work
/// in flight; disposing leaves no worker running.
/// </summary>
public abstract class ParallelFrameCmdlet<TResult> : FrameCmdlet, IDisposable
{
    private JobRunner<FrameJob, TResult>? _runner;

    /// <summary>Most frames worked on at once (default: the number of processors).</summary>
    [Parameter]
    [ValidateRange(1, 256)]
    public int ThrottleLimit { get; set; } = JobRunner.DefaultDegree;

    /// <summary>Checks the parameters and fixes what the workers read (called once, before any job).</summary>
    protected virtual void Prepare()
    {
    }

    /// <summary>The jobs of the current pipeline input (on the pipeline thread).</summary>
    internal abstract IEnumerable<FrameJob> Jobs();

    /// <summary>Last look at a job on the pipeline thread (e.g. naming its output, ShouldProcess); false skips it.</summary>
    internal virtual bool Accept(FrameJob job) => true;

    /// <summary>Takes a job away from the parallel runner, e.g. to collect the frames that go into one output file
    /// (on the pipeline thread); true when taken.</summary>
    internal virtual bool Divert(FrameJob job) => false;

    /// <summary>Finishes what <see cref="Divert"/> collected, after every parallel job was written (on the pipeline
    /// thread; long loops check <see cref="System.Management.Automation.Cmdlet.Stopping"/>).</summary>
    internal virtual void Complete()
    {
    }

    /// <summary>Does one job on a worker thread: must read only what <see cref="Prepare"/> fixed and the job.</summary>
    internal abstract TResult Work(FrameJob job, List<string> warnings, CancellationToken token);

    /// <summary>Writes a job's result (on the pipeline thread).</summary>
    internal abstract void WriteResult(FrameJob job, TResult result);

    protected sealed override void BeginProcessing()
    {
        Prepare();
        _runner = new JobRunner<FrameJob, TResult>(this,
            (job, token) => JobOutcome<TResult>.Run(warnings =>
            {
                TestHooks.Check(job.Path);
                return Work(job, warnings, token);
            }),
            ThrottleLimit, WriteResult, MyInvocation.MyCommand.Name);
    }

    protected sealed override void ProcessRecord()
    {
        foreach (var job in Jobs())
        {
            if (Stopping) return;
            if (Divert(job)) continue;
            if (Accept(job)) _runner!.Add(job);
        }
    }

    protected sealed override void EndProcessing()
    {
        _runner?.Finish();
        if (!Stopping) Complete();
    }

    protected sealed override void StopProcessing() => _runner?.Cancel();

    protected sealed override void FlushPendingOutput() => _runner?.Flush();

    /// <summary>PowerShell disposes the cmdlet when the pipeline ends, stopped or not: no worker outlives it.</summary>
    public void Dispose()
    {
        _runner?.Dispose();
        GC.SuppressFinalize(this);
    }
}
