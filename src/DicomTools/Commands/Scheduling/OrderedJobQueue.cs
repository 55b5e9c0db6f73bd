namespace DicomTools.Commands.Scheduling;

/// <summary>One finished job: its input and either its output or what it threw.</summary>
internal readonly record struct JobResult<TIn, TOut>(TIn Input, TOut? Output, Exception? Error);

/// <summary>
/// Runs jobs on the thread pool, at most <see cref="ThrottleLimit"/> at once, and hands the results back in input
/// order to the one thread that adds them (a cmdlet's pipeline thread, the only one that may write output).
/// <list type="bullet">
/// <item>Bounded: at most <see cref="MaxHeld"/> jobs (waiting, running, or finished and not yet taken) are held;
/// a full <see cref="Add"/> waits for the oldest, which needs nothing from the caller to finish.</item>
/// <item>A failing job is a result with its exception; the others carry on.</item>
/// <item>Cancellation (the constructor's token, or <see cref="Dispose"/>) keeps waiting jobs from starting and
/// reaches running ones through their token; Add and Complete then throw OperationCanceledException once no job runs.
/// Dispose returns only when no job runs.</item>
/// </list>
/// </summary>
internal sealed class OrderedJobQueue<TIn, TOut> : IDisposable
{
    private readonly Func<TIn, CancellationToken, TOut> _work;
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _cancellation;
    private readonly Queue<(TIn Input, Task<TOut> Task)> _pending = new(); // oldest first
    private bool _completed;
    private bool _disposed;

    public OrderedJobQueue(Func<TIn, CancellationToken, TOut> work, int throttleLimit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentOutOfRangeException.ThrowIfLessThan(throttleLimit, 1);
        _work = work;
        ThrottleLimit = throttleLimit;
        _slots = new SemaphoreSlim(throttleLimit, throttleLimit);
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    }

    /// <summary>Most jobs running at once.</summary>
    public int ThrottleLimit { get; }

    /// <summary>Most jobs held at once: twice the throttle keeps every worker busy while the caller writes results.</summary>
    public int MaxHeld => 2 * ThrottleLimit;

    /// <summary>Jobs added and not yet handed back.</summary>
    public int HeldCount => _pending.Count;

    /// <summary>Starts a job; returns the results now ready at the head, in input order (often none).</summary>
    public IReadOnlyList<JobResult<TIn, TOut>> Add(TIn input)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed) throw new InvalidOperationException("Complete() was called; no more jobs can be added.");
        ThrowIfCancelled();
        var ready = new List<JobResult<TIn, TOut>>();
        while (_pending.Count >= MaxHeld) ready.Add(TakeOldest());
        var token = _cancellation.Token;
        _pending.Enqueue((input, Task.Run(() => RunAsync(input, token), token)));
        while (_pending.Count > 0 && _pending.Peek().Task.IsCompleted) ready.Add(TakeOldest());
        return ready;
    }

    /// <summary>Ends adding and yields every remaining result in input order, waiting for each in turn.</summary>
    public IEnumerable<JobResult<TIn, TOut>> Complete()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _completed = true;
        return Drain();
    }

    private IEnumerable<JobResult<TIn, TOut>> Drain()
    {
        while (_pending.Count > 0) yield return TakeOldest();
    }

    /// <summary>Cancels unfinished jobs and waits until none runs.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _cancellation.Cancel();
        WaitForAll();
        _cancellation.Dispose();
    }

    private async Task<TOut> RunAsync(TIn input, CancellationToken token)
    {
        await _slots.WaitAsync(token).ConfigureAwait(false);
        try
        {
            token.ThrowIfCancellationRequested(); // a slot freed by cancelled work must not start the next job
            return _work(input, token);
        }
        finally
        {
            _slots.Release();
        }
    }

    private JobResult<TIn, TOut> TakeOldest()
    {
        var (input, task) = _pending.Peek();
        try
        {
            // WaitAny ends on completion whatever the outcome, and throws only for our own cancellation.
            if (!task.IsCompleted) Task.WaitAny(new Task[] { task }, _cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            WaitForAll();
            throw;
        }
        ThrowIfCancelled();
        _pending.Dequeue();
        return task.Status switch
        {
            TaskStatus.RanToCompletion => new(input, task.Result, null),
            TaskStatus.Faulted => new(input, default, task.Exception!.InnerException ?? task.Exception),
            _ => new(input, default, new OperationCanceledException(_cancellation.Token)),
        };
    }

    private void ThrowIfCancelled()
    {
        if (!_cancellation.IsCancellationRequested) return;
        WaitForAll();
        throw new OperationCanceledException("The job queue was cancelled.", _cancellation.Token);
    }

    private void WaitForAll()
    {
        foreach (var (_, task) in _pending)
            ((IAsyncResult)task).AsyncWaitHandle.WaitOne();
    }
}
