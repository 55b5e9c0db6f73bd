using System.Diagnostics;
using System.Management.Automation;

namespace DicomTools.Commands.Scheduling;

/// <summary>A unit of a cmdlet's work that belongs to one file (for errors, warnings and progress).</summary>
internal interface IFileJob
{
    string Path { get; }
}

internal static class JobRunner
{
    /// <summary>Default -ThrottleLimit: one worker per processor.</summary>
    public static int DefaultDegree => Environment.ProcessorCount;
}

/// <summary>
/// Runs a cmdlet's jobs on worker threads (bounded by -ThrottleLimit) and hands each outcome back on the pipeline
/// thread in input order: output, per-file errors and warnings, and throttled progress. Stopping the pipeline
/// (Ctrl+C) cancels the work in flight.
/// </summary>
internal sealed class JobRunner<TJob, T> : IDisposable where TJob : IFileJob
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(500);

    private readonly DicomCmdlet _cmdlet;
    private readonly Action<TJob, T> _onResult;
    private readonly string _activity;
    private readonly CancellationTokenSource _cancellation = new();
    private readonly OrderedJobQueue<TJob, JobOutcome<T>> _queue;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _lastProgress;
    private int _done;
    private bool _progressShown;

    public JobRunner(DicomCmdlet cmdlet, Func<TJob, CancellationToken, JobOutcome<T>> work, int degree, Action<TJob, T> onResult, string activity)
    {
        _cmdlet = cmdlet;
        _onResult = onResult;
        _activity = activity;
        _queue = new OrderedJobQueue<TJob, JobOutcome<T>>(work, Math.Max(1, degree), _cancellation.Token);
    }

    public void Add(TJob job)
    {
        if (_cancellation.IsCancellationRequested) return;
        IReadOnlyList<JobResult<TJob, JobOutcome<T>>> ready;
        try
        {
            ready = _queue.Add(job);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        Handle(ready);
    }

    /// <summary>Writes everything still in flight (EndProcessing).</summary>
    public void Finish()
    {
        try
        {
            Handle(_queue.Complete());
        }
        catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
        {
            // Stopped: nothing more is written.
        }
        if (_progressShown)
            _cmdlet.WriteProgress(new ProgressRecord(1, _activity, "Done") { RecordType = ProgressRecordType.Completed });
    }

    public void Cancel() => _cancellation.Cancel();

    private void Handle(IEnumerable<JobResult<TJob, JobOutcome<T>>> results)
    {
        foreach (var result in results)
        {
            var job = result.Input;
            _done++;
            if (result.Error is OperationCanceledException && _cancellation.IsCancellationRequested) continue;
            var outcome = result.Output;
            if (outcome is not null) _cmdlet.ReportWarnings(job.Path, outcome.Warnings);
            var error = result.Error ?? outcome?.Error;
            if (error is OperationCanceledException && _cancellation.IsCancellationRequested) continue;
            if (error is not null) _cmdlet.ReportError(job.Path, error);
            else if (outcome is { Value: { } value }) _onResult(job, value);
            ShowProgress();
        }
    }

    private void ShowProgress()
    {
        var now = _clock.Elapsed;
        if (now - _lastProgress < ProgressInterval) return;
        _lastProgress = now;
        _progressShown = true;
        var rate = _done / Math.Max(now.TotalSeconds, 0.001);
        _cmdlet.WriteProgress(new ProgressRecord(1, _activity, $"{_done} done, {rate:0.#}/s") { PercentComplete = -1 });
    }

    public void Dispose()
    {
        _cancellation.Cancel();
        _queue.Dispose();
        _cancellation.Dispose();
    }
}

/// <summary>
/// What a worker hands back: the result or the error, and the warnings met on the way (all written on the
/// pipeline thread).
/// </summary>
internal sealed record JobOutcome<T>(T? Value, List<string> Warnings, Exception? Error)
{
    /// <summary>Runs <paramref name="body"/>, keeping its warnings even when it fails. Every failure becomes the
    /// job's error, classified on the pipeline thread by <see cref="ErrorPolicy"/>.</summary>
    public static JobOutcome<T> Run(Func<List<string>, T> body)
    {
        var warnings = new List<string>();
        try
        {
            return new JobOutcome<T>(body(warnings), warnings, null);
        }
        catch (Exception e) when (ErrorPolicy.IsPerFile(e))
        {
            return new JobOutcome<T>(default, warnings, e);
        }
    }
}
