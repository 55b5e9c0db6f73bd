using DicomTools.Commands.Scheduling;
using Xunit;
using static DicomTools.Tests.Export.ExportTestSupport;

namespace DicomTools.Tests.Commands;

public sealed class OrderedJobQueueTests
{
    [Fact]
    public void Results_come_back_in_input_order_despite_random_work_times()
    {
        const int count = 300;
        using var queue = new OrderedJobQueue<int, int>((item, _) =>
        {
            Thread.Sleep(new Random(item).Next(0, 4)); // later items often finish first
            return item * 2;
        }, throttleLimit: 4);

        var results = FinishesWithoutDeadlock(() =>
        {
            var received = new List<JobResult<int, int>>();
            for (int i = 0; i < count; i++)
            {
                received.AddRange(queue.Add(i));
            }
            received.AddRange(queue.Complete());
            return received;
        }, "ordered queue");

        Assert.Equal(Enumerable.Range(0, count), results.Select(r => r.Input));
        Assert.All(results, r => Assert.Null(r.Error));
        Assert.Equal(Enumerable.Range(0, count).Select(i => i * 2), results.Select(r => r.Output));
    }

    [Fact]
    public void In_flight_items_and_running_workers_stay_within_their_bounds()
    {
        const int degree = 3, bound = 2 * degree, count = 200;
        int running = 0, maxRunning = 0;
        using var queue = new OrderedJobQueue<int, int>((item, _) =>
        {
            int now = Interlocked.Increment(ref running);
            InterlockedMax(ref maxRunning, now);
            Thread.Sleep(item % 3);
            Interlocked.Decrement(ref running);
            return item;
        }, degree);
        Assert.Equal(bound, queue.MaxHeld);

        FinishesWithoutDeadlock(() =>
        {
            int received = 0;
            for (int i = 0; i < count; i++)
            {
                received += queue.Add(i).Count;
                int added = i + 1;
                Assert.True(added - received <= bound, $"after adding {added} items only {received} came back");
                Assert.True(queue.HeldCount <= bound, $"{queue.HeldCount} items in flight");
            }
            received += queue.Complete().Count();
            Assert.Equal(count, received);
        }, "bounded queue");

        Assert.InRange(maxRunning, 1, degree);
    }

    // The consumer is the only one who takes results. When the queue is full, Add must wait for the oldest item and
    // hand it back, not wait for the consumer (itself) to make room.
    [Fact]
    public void A_full_queue_makes_Add_wait_for_the_oldest_item_and_return_it()
    {
        const int bound = 4; // twice the throttle
        using var releaseFirst = new ManualResetEventSlim();
        int finished = 0;
        using var queue = new OrderedJobQueue<int, int>((item, _) =>
        {
            if (item == 0)
                releaseFirst.Wait(CancellationToken.None);
            Interlocked.Increment(ref finished);
            return item;
        }, throttleLimit: 2);

        for (int i = 0; i < bound; i++)
            Assert.Empty(queue.Add(i)); // item 0 blocks the head, so nothing can be handed back yet
        // Items 1..3 finish; only then is item 0 released, from another thread.
        var releaser = new Thread(() =>
        {
            SpinWait.SpinUntil(() => Volatile.Read(ref finished) == bound - 1);
            releaseFirst.Set();
        });
        releaser.Start();

        var returned = FinishesWithoutDeadlock(() => queue.Add(bound), "Add on a full queue");

        // The four held items come back from that Add; the new one may have finished by then too.
        Assert.Equal(new[] { 0, 1, 2, 3 }, returned.Select(r => r.Input).Take(bound));
        Assert.Equal(new[] { 0, 1, 2, 3, bound }, returned.Concat(queue.Complete()).Select(r => r.Input));
        releaser.Join();
    }

    [Fact]
    public void A_failing_item_is_a_result_and_the_others_carry_on()
    {
        using var queue = new OrderedJobQueue<int, string>((item, _) =>
            item % 3 == 0 ? throw new InvalidDataException($"bad item {item}") : $"ok {item}", throttleLimit: 3);

        var results = FinishesWithoutDeadlock(() =>
        {
            var received = new List<JobResult<int, string>>();
            for (int i = 0; i < 30; i++)
                received.AddRange(queue.Add(i));
            received.AddRange(queue.Complete());
            return received;
        }, "queue with failures");

        Assert.Equal(Enumerable.Range(0, 30), results.Select(r => r.Input));
        foreach (var result in results)
        {
            if (result.Input % 3 == 0)
            {
                Assert.IsType<InvalidDataException>(result.Error);
                Assert.Equal($"bad item {result.Input}", result.Error!.Message);
                Assert.Null(result.Output);
            }
            else
            {
                Assert.Null(result.Error);
                Assert.Equal($"ok {result.Input}", result.Output);
            }
        }
    }

    [Fact]
    public void Cancellation_stops_running_work_and_Complete_throws_after_the_workers_stopped()
    {
        using var cancellation = new CancellationTokenSource();
        int started = 0, running = 0;
        using var queue = new OrderedJobQueue<int, int>((item, token) =>
        {
            Interlocked.Increment(ref started);
            Interlocked.Increment(ref running);
            try
            {
                token.WaitHandle.WaitOne(); // work that only ends when cancelled
                token.ThrowIfCancellationRequested();
                return item;
            }
            finally
            {
                Interlocked.Decrement(ref running);
            }
        }, throttleLimit: 2, cancellation.Token);

        for (int i = 0; i < queue.MaxHeld; i++)
            queue.Add(i);
        SpinWait.SpinUntil(() => Volatile.Read(ref started) == 2);
        cancellation.Cancel();

        FinishesWithoutDeadlock(() =>
            Assert.ThrowsAny<OperationCanceledException>(() => queue.Complete().ToList()), "Complete after cancellation");

        Assert.Equal(0, Volatile.Read(ref running));  // workers drained before Complete threw
        Assert.Equal(2, Volatile.Read(ref started));  // queued items never started
    }

    [Fact]
    public void Cancellation_wakes_an_Add_waiting_on_a_full_queue()
    {
        using var cancellation = new CancellationTokenSource();
        int started = 0;
        using var queue = new OrderedJobQueue<int, int>((item, token) =>
        {
            Interlocked.Increment(ref started);
            token.WaitHandle.WaitOne();
            return item;
        }, throttleLimit: 1, cancellation.Token);
        queue.Add(0);
        queue.Add(1);

        var cancelWhenBlocked = new Thread(() =>
        {
            SpinWait.SpinUntil(() => Volatile.Read(ref started) == 1);
            cancellation.Cancel();
        });
        cancelWhenBlocked.Start();

        FinishesWithoutDeadlock(() => Assert.ThrowsAny<OperationCanceledException>(() => queue.Add(2)), "Add on a full, cancelled queue");
        Assert.ThrowsAny<OperationCanceledException>(() => queue.Add(3));
        cancelWhenBlocked.Join();
    }

    [Fact]
    public void Dispose_cancels_unfinished_work_and_waits_for_the_workers()
    {
        int running = 0;
        var queue = new OrderedJobQueue<int, int>((item, token) =>
        {
            Interlocked.Increment(ref running);
            token.WaitHandle.WaitOne();
            Interlocked.Decrement(ref running);
            return item;
        }, throttleLimit: 3);
        for (int i = 0; i < 5; i++)
            queue.Add(i);
        SpinWait.SpinUntil(() => Volatile.Read(ref running) == 3);

        FinishesWithoutDeadlock(queue.Dispose, "Dispose");

        Assert.Equal(0, Volatile.Read(ref running));
        Assert.Throws<ObjectDisposedException>(() => queue.Add(9));
    }

    [Fact]
    public void A_queue_that_was_never_fed_completes_empty()
    {
        using var queue = new OrderedJobQueue<int, int>((item, _) => item, throttleLimit: 4);

        Assert.Empty(FinishesWithoutDeadlock(() => queue.Complete().ToList(), "empty Complete"));
    }

    [Fact]
    public void Adding_after_Complete_is_refused()
    {
        using var queue = new OrderedJobQueue<int, int>((item, _) => item, throttleLimit: 1);
        queue.Add(1);
        var rest = queue.Complete();

        Assert.Throws<InvalidOperationException>(() => queue.Add(2));
        Assert.Equal(new[] { 1 }, rest.Select(r => r.Output));
    }

    [Fact]
    public void A_throttle_below_one_is_refused_and_twice_the_throttle_is_held()
    {
        Func<int, CancellationToken, int> work = (i, _) => i;
        Assert.Throws<ArgumentOutOfRangeException>(() => new OrderedJobQueue<int, int>(work, 0));
        using var defaults = new OrderedJobQueue<int, int>(work, 4);
        Assert.Equal(8, defaults.MaxHeld);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
