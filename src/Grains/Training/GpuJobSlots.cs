using Microsoft.Extensions.Options;

namespace FedOrleans.Grains.Training;

/// <summary>
/// The per-silo limit on concurrent GPU jobs (<see cref="TrainingOptions.GpuJobs"/>): GPU work waits here
/// for a slot, so a GPU silo never runs more jobs at once than its memory was sized for.
/// </summary>
public sealed class GpuJobSlots(IOptions<TrainingOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.GpuJobs, options.Value.GpuJobs);
    private readonly Lock _count = new();
    private int _running;
    private int _peak;

    public int Capacity { get; } = options.Value.GpuJobs;

    public int Running
    {
        get { lock (_count) { return _running; } }
    }

    /// <summary>The most GPU jobs that ever ran at once on this silo.</summary>
    public int Peak
    {
        get { lock (_count) { return _peak; } }
    }

    public async Task<T> RunAsync<T>(Func<Task<T>> job, CancellationToken ct)
    {
        await _slots.WaitAsync(ct);
        lock (_count)
        {
            _running++;
            _peak = Math.Max(_peak, _running);
        }
        try
        {
            return await job();
        }
        finally
        {
            lock (_count)
            {
                _running--;
            }
            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();
}
