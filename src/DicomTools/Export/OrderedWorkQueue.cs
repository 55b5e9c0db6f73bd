namespace DicomTools.Export;

/// <summary>The outcome of one item of an <see cref="OrderedWorkQueue{TIn, TOut}"/>: a value or the exception it threw.</summary>
public sealed class WorkItemResult<TIn, TOut>
{
    internal WorkItemResult(long sequence, TIn input, TOut? output, Exception? error)
    {
        Sequence = sequence;
        Input = input;
        Output = output;
        Error = error;
    }

    /// <summary>0-based position of the item in the order it was added.</summary>
    public long Sequence { get; }
    public TIn Input { get; }
    /// <summary>The work's return value; default when it failed.</summary>
    public TOut? Output { get; }
    /// <summary>What the work threw, or null.</summary>
    public Exception? Error { get; }
    public bool Succeeded => Error is null;
}

/// <summary>
/// Runs work items on up to N worker threads and hands the results back to ONE consumer thread in the order the items
/// were added, the shape a PowerShell cmdlet needs: ProcessRecord adds items one at a time and writes whatever has
/// finished, EndProcessing drains the rest, and WriteObject/WriteError stay on the pipeline thread.
/// <list type="bullet">
/// <item>Bounded: at most <see cref="MaxInFlight"/> items (waiting, running, or finished but not yet taken) exist at
/// once, so a pipeline of 100 000 files never sits in memory.</item>
/// <item>No deadlock: when the bound is reached, <see cref="Add"/> waits only for the OLDEST item, which workers always
/// finish without help from the consumer, and returns it (with anything else ready) instead of keeping it.</item>
/// <item>A failing item is a result with <see cref="WorkItemResult{TIn, TOut}.Error"/>; the others carry on.</item>
/// <item>Cancellation (the constructor's token, e.g. from StopProcessing, or <see cref="Dispose"/>) reaches the running
/// work through its token, no new item starts, <see cref="Add"/> and <see cref="Complete"/> throw
/// <see cref="OperationCanceledException"/>. Complete and Dispose return only after every worker has stopped, so no
/// work runs after the cmdlet ends.</item>
/// </list>
/// Only one thread may call Add, TakeReady and Complete (the consumer); always Dispose the queue.
/// </summary>
public sealed class OrderedWorkQueue<TIn, TOut> : IDisposable
{
    private static readonly IReadOnlyList<WorkItemResult<TIn, TOut>> NoResults = Array.Empty<WorkItemResult<TIn, TOut>>();

    private readonly Func<TIn, CancellationToken, TOut> _work;
    private readonly CancellationTokenSource _cancellation;
    private readonly CancellationTokenRegistration _cancellationRegistration;

    // One lock and one condition (PulseAll) for workers and consumer alike: N is small (cores), and the time spent
    // here is nothing next to encoding an image.
    private readonly object _gate = new();
    private readonly Queue<Slot> _notStarted = new();
    private readonly Queue<Slot> _inOrder = new();   // every item not yet handed to the consumer, oldest first
    private readonly List<Thread> _workers = new();
    private long _nextSequence;
    private int _idleWorkers;
    private bool _addingCompleted;
    private bool _stopping; // set by the cancellation callback, which is what wakes waiters; see IsStopping
    private bool _disposed;

    /// <summary>A queue holding at most twice <paramref name="maxDegreeOfParallelism"/> items at once.</summary>
    public OrderedWorkQueue(Func<TIn, CancellationToken, TOut> work, int maxDegreeOfParallelism,
        CancellationToken cancellationToken = default)
        : this(work, maxDegreeOfParallelism, maxInFlight: 0, cancellationToken)
    {
    }

    /// <param name="work">Runs one item; it should observe the token. Called on worker threads, concurrently.</param>
    /// <param name="maxDegreeOfParallelism">Worker threads, at least 1 (started as items arrive).</param>
    /// <param name="cancellationToken">Stops the whole queue.</param>
    /// <param name="maxInFlight">Bound on items held at once; 0 means twice the degree of parallelism, which keeps
    /// every worker busy while the consumer writes. At least the degree of parallelism.</param>
    public OrderedWorkQueue(Func<TIn, CancellationToken, TOut> work, int maxDegreeOfParallelism, int maxInFlight,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDegreeOfParallelism, 1);
        if (maxInFlight == 0)
            maxInFlight = 2 * maxDegreeOfParallelism;
        if (maxInFlight < maxDegreeOfParallelism)
            throw new ArgumentOutOfRangeException(nameof(maxInFlight), maxInFlight,
                $"The in-flight bound must be at least the degree of parallelism ({maxDegreeOfParallelism}).");

        _work = work;
        MaxDegreeOfParallelism = maxDegreeOfParallelism;
        MaxInFlight = maxInFlight;
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _cancellationRegistration = _cancellation.Token.Register(OnCancelled);
    }

    public int MaxDegreeOfParallelism { get; }

    public int MaxInFlight { get; }

    /// <summary>Items added and not yet handed back.</summary>
    public int InFlightCount
    {
        get
        {
            lock (_gate)
                return _inOrder.Count;
        }
    }

    /// <summary>
    /// Queues an item. Returns the results that are ready, in order (often none). When <see cref="MaxInFlight"/> items
    /// are held, first waits for the oldest to finish and returns it among the results.
    /// </summary>
    /// <exception cref="OperationCanceledException">The queue was cancelled.</exception>
    /// <exception cref="InvalidOperationException">After <see cref="Complete"/>.</exception>
    public IReadOnlyList<WorkItemResult<TIn, TOut>> Add(TIn item)
    {
        List<WorkItemResult<TIn, TOut>>? ready = null;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_addingCompleted)
                throw new InvalidOperationException("Complete() was called; no more items can be added.");
            ThrowIfStopping();
            while (_inOrder.Count >= MaxInFlight)
            {
                if (_inOrder.Peek().Done)
                {
                    (ready ??= new()).Add(_inOrder.Dequeue().ToResult());
                    continue;
                }
                Monitor.Wait(_gate);
                ThrowIfStopping();
            }

            var slot = new Slot(_nextSequence++, item);
            _notStarted.Enqueue(slot);
            _inOrder.Enqueue(slot);
            if (_idleWorkers == 0 && _workers.Count < MaxDegreeOfParallelism)
                StartWorker();
            Monitor.PulseAll(_gate);
            CollectReady(ref ready);
        }
        return ready ?? NoResults;
    }

    /// <summary>The results that are ready now, in order, without waiting. Stops at the first unfinished item.</summary>
    public IReadOnlyList<WorkItemResult<TIn, TOut>> TakeReady()
    {
        List<WorkItemResult<TIn, TOut>>? ready = null;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            CollectReady(ref ready);
        }
        return ready ?? NoResults;
    }

    /// <summary>
    /// Ends adding and returns every remaining result in order, waiting for each as the enumeration reaches it. When
    /// the enumeration ends, all workers have stopped.
    /// </summary>
    /// <exception cref="OperationCanceledException">While enumerating, once cancelled (after the workers stopped).</exception>
    public IEnumerable<WorkItemResult<TIn, TOut>> Complete()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _addingCompleted = true;
            Monitor.PulseAll(_gate); // idle workers exit once nothing is left to start
        }
        return DrainInOrder();
    }

    /// <summary>Cancels unfinished work and waits for the worker threads to stop.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
        }
        _cancellation.Cancel(); // runs OnCancelled, which wakes everyone
        JoinWorkers();
        _cancellationRegistration.Dispose();
        _cancellation.Dispose();
    }

    private IEnumerable<WorkItemResult<TIn, TOut>> DrainInOrder()
    {
        while (true)
        {
            Slot? next = null;
            bool stopping;
            lock (_gate)
            {
                while (!IsStopping && _inOrder.Count > 0 && !_inOrder.Peek().Done)
                    Monitor.Wait(_gate);
                stopping = IsStopping;
                if (!stopping && _inOrder.Count > 0)
                    next = _inOrder.Dequeue();
            }
            if (stopping)
            {
                JoinWorkers();
                throw new OperationCanceledException("The work queue was cancelled.", _cancellation.Token);
            }
            if (next is null)
            {
                JoinWorkers();
                yield break;
            }
            yield return next.ToResult();
        }
    }

    private void WorkerLoop()
    {
        CancellationToken token = _cancellation.Token;
        while (true)
        {
            Slot slot;
            lock (_gate)
            {
                while (_notStarted.Count == 0 && !_addingCompleted && !IsStopping)
                {
                    _idleWorkers++;
                    Monitor.Wait(_gate);
                    _idleWorkers--;
                }
                if (IsStopping || _notStarted.Count == 0)
                    return;
                slot = _notStarted.Dequeue();
            }

            TOut? output = default;
            Exception? error = null;
            try
            {
                output = _work(slot.Input, token);
            }
            catch (Exception ex)
            {
                error = ex;
            }

            lock (_gate)
            {
                slot.Finish(output, error);
                Monitor.PulseAll(_gate);
            }
        }
    }

    private void StartWorker()
    {
        var thread = new Thread(WorkerLoop)
        {
            IsBackground = true, // a queue someone forgot to dispose must not keep the process alive
            Name = $"DicomTools worker {_workers.Count + 1}",
        };
        _workers.Add(thread);
        thread.Start();
    }

    private void CollectReady(ref List<WorkItemResult<TIn, TOut>>? ready)
    {
        while (_inOrder.Count > 0 && _inOrder.Peek().Done)
            (ready ??= new()).Add(_inOrder.Dequeue().ToResult());
    }

    // The token's wait handle is set before its callbacks run, so work woken by cancellation can get here before
    // OnCancelled has set _stopping: the token itself is checked too, or such a worker would start the next item.
    private bool IsStopping => _stopping || _cancellation.IsCancellationRequested;

    private void ThrowIfStopping()
    {
        if (IsStopping)
            throw new OperationCanceledException("The work queue was cancelled.", _cancellation.Token);
    }

    private void OnCancelled()
    {
        lock (_gate)
        {
            _stopping = true;
            Monitor.PulseAll(_gate);
        }
    }

    private void JoinWorkers()
    {
        Thread[] workers;
        lock (_gate)
            workers = _workers.ToArray();
        foreach (Thread worker in workers)
        {
            if (worker != Thread.CurrentThread) // work that disposes its own queue must not wait for itself
                worker.Join();
        }
    }

    private sealed class Slot
    {
        private TOut? _output;
        private Exception? _error;

        public Slot(long sequence, TIn input)
        {
            Sequence = sequence;
            Input = input;
        }

        public long Sequence { get; }
        public TIn Input { get; }
        public bool Done { get; private set; }

        public void Finish(TOut? output, Exception? error)
        {
            _output = output;
            _error = error;
            Done = true;
        }

        public WorkItemResult<TIn, TOut> ToResult() => new(Sequence, Input, _output, _error);
    }
}
