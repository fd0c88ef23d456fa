using FedOrleans.Models.Torch;
using Microsoft.Extensions.Options;

namespace FedOrleans.Grains.Training;

/// <summary>
/// The silo-wide bound on concurrent CPU-heavy work. Grains await <see cref="RunAsync{T}"/>, which
/// runs the work on the thread pool, off the grain scheduler, at most <see cref="TrainingOptions.ConcurrentFits"/> at a time.
/// When the last running work item ends and nothing waits, the gate returns the native heap's free memory to the
/// operating system (<see cref="TorchRuntime.TrimNativeHeap"/>, at most every <see cref="TrimInterval"/>), which keeps
/// a long run's resident memory flat (docs/benchmarks.md, "Memory over a long run").
/// </summary>
public sealed class TrainingGate(IOptions<TrainingOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.ConcurrentFits, options.Value.ConcurrentFits);
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

    public async Task<T> RunAsync<T>(Func<T> work, CancellationToken ct)
    {
        Interlocked.Increment(ref _waiting);
        try
        {
            await _slots.WaitAsync(ct);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
        Interlocked.Increment(ref _running);
        try
        {
            return await Task.Run(work, ct);
        }
        finally
        {
            int running = Interlocked.Decrement(ref _running);
            _slots.Release();
            if (running == 0 && Waiting == 0)
            {
                TrimWhenDue();
            }
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

    public void Dispose() => _slots.Dispose();
}
