using FedOrleans.Models.Torch;
using Microsoft.Extensions.Options;

namespace FedOrleans.Grains.Training;

/// <summary>
/// The silo-wide bound on concurrent CPU-heavy work. Grains await <see cref="RunAsync{T}"/>, which
/// runs the work on the thread pool, off the grain scheduler, at most <see cref="TrainingOptions.ConcurrentFits"/> at a time.
/// Waiting work starts largest first (its <c>cost</c>: a fit's samples), in arrival order among equals: a round's
/// longest fits then start first and the shortest fill the end, which shortens a round whose fits are unequal
/// (largest-first list scheduling). The order changes when work runs, never what it computes.
/// When the last running work item ends and nothing waits, the gate returns the native heap's free memory to the
/// operating system (<see cref="TorchRuntime.TrimNativeHeap"/>, at most every <see cref="TrimInterval"/>), which keeps
/// a long run's resident memory flat (docs/benchmarks.md, "Memory over a long run").
/// </summary>
public sealed class TrainingGate(IOptions<TrainingOptions> options) : IDisposable
{
    private readonly Lock _lock = new();
    private int _free = options.Value.ConcurrentFits;
    private long _arrivals;
    /// <summary>Work waiting for a slot: the largest cost first, then the earliest arrival.</summary>
    private readonly PriorityQueue<TaskCompletionSource, (long NegativeCost, long Arrival)> _queue = new();
    private int _running;
    private int _waiting;
    private long _lastTrim = Environment.TickCount64;

    /// <summary>The shortest time between two trims of the native heap.</summary>
    public static readonly TimeSpan TrimInterval = TimeSpan.FromSeconds(10);

    public int Capacity { get; } = options.Value.ConcurrentFits;

    /// <summary>The silo's device (<c>--device</c>): work run through the gate trains and infers there.</summary>
    public TorchSharp.torch.Device Device { get; } = options.Value.TorchDevice;

    /// <summary>
    /// Into how many parts to split one piece of work of <paramref name="items"/> items (a cohort's clients, an
    /// evaluation's batches): one per slot on a CPU, so that every core has a share; one on a GPU, which takes it whole.
    /// </summary>
    public int SplitInto(int items) => Device.type == TorchSharp.DeviceType.CUDA ? 1 : Math.Max(1, Math.Min(Capacity, items));

    public int Running => Volatile.Read(ref _running);

    public int Waiting => Volatile.Read(ref _waiting);

    /// <param name="work">CPU- or GPU-bound work.</param>
    /// <param name="ct">Cancels the wait for a slot, and the work if it has not started.</param>
    /// <param name="cost">How large the work is, relative to other work of its kind (a fit's samples); larger starts first.</param>
    public async Task<T> RunAsync<T>(Func<T> work, CancellationToken ct, long cost = 0)
    {
        Interlocked.Increment(ref _waiting);
        try
        {
            await AcquireAsync(cost, ct);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
        Interlocked.Increment(ref _running);
        try
        {
            // On the thread pool's global queue, not the calling thread's own (where Task.Run from a pool thread puts
            // it, and where the thread then takes it next): the messages already queued behind the caller, e.g. the
            // rest of a round's clients arriving at the cohort scheduler, go on on this thread while another one fits.
            return await Task.Factory.StartNew(work, ct, TaskCreationOptions.DenyChildAttach | TaskCreationOptions.PreferFairness, TaskScheduler.Default);
        }
        finally
        {
            int running = Interlocked.Decrement(ref _running);
            Release();
            if (running == 0 && Waiting == 0)
            {
                TrimWhenDue();
            }
        }
    }

    private Task AcquireAsync(long cost, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        TaskCompletionSource turn;
        lock (_lock)
        {
            if (_free > 0 && _queue.Count == 0)
            {
                _free--;
                return Task.CompletedTask;
            }
            turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _queue.Enqueue(turn, (-cost, _arrivals++));
        }
        return WaitForTurnAsync(turn, ct);
    }

    private static async Task WaitForTurnAsync(TaskCompletionSource turn, CancellationToken ct)
    {
        // A cancelled waiter stays queued; Release skips it (its TrySetResult fails) and hands the slot on.
        using var cancel = ct.Register(() => turn.TrySetCanceled(ct));
        await turn.Task;
    }

    /// <summary>Hands the slot to the next waiter that is still waiting, or frees it.</summary>
    private void Release()
    {
        lock (_lock)
        {
            while (_queue.TryDequeue(out var next, out _))
            {
                if (next.TrySetResult())
                {
                    return;
                }
            }
            _free++;
        }
    }

    private void TrimWhenDue()
    {
        long last = Volatile.Read(ref _lastTrim);
        long now = Environment.TickCount64;
        if (now - last >= (long)TrimInterval.TotalMilliseconds && Interlocked.CompareExchange(ref _lastTrim, now, last) == last)
        {
            // Off the grain scheduler: a trim takes milliseconds.
            _ = Task.Run(TorchRuntime.TrimNativeHeap);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            while (_queue.TryDequeue(out var waiting, out _))
            {
                waiting.TrySetCanceled();
            }
        }
    }
}
