using Microsoft.Extensions.Options;

namespace FedOrleans.Grains.Training;

/// <summary>
/// The silo-wide bound on concurrent CPU-heavy work. Grains await <see cref="RunAsync{T}"/>, which
/// runs the work on the thread pool, off the grain scheduler, at most <see cref="TrainingOptions.ConcurrentFits"/> at a time.
/// </summary>
public sealed class TrainingGate(IOptions<TrainingOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.ConcurrentFits, options.Value.ConcurrentFits);
    private int _running;
    private int _waiting;

    public int Capacity { get; } = options.Value.ConcurrentFits;

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
            Interlocked.Decrement(ref _running);
            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();
}
