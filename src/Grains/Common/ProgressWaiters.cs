namespace FedOrleans.Grains.Common;

/// <summary>
/// The long polls of a start/poll grain (experiment, job, study): callers wait until a progress counter
/// (rounds, steps, finished trials) reaches their target or the work ends, or until their timeout.
/// Used on the grain's own scheduler only, so it needs no locking.
/// </summary>
public sealed class ProgressWaiters(Func<int, bool> reached)
{
    private readonly List<(int Target, TaskCompletionSource Signal)> _waiters = [];

    /// <summary>Completes when <paramref name="target"/> is reached (checked now and at every <see cref="Signal"/>) or after <paramref name="timeout"/>.</summary>
    public async Task WaitAsync(int target, TimeSpan timeout)
    {
        if (reached(target))
        {
            return;
        }
        var waiter = (target, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _waiters.Add(waiter);
        try
        {
            await Task.WhenAny(waiter.Item2.Task, Task.Delay(timeout));
        }
        finally
        {
            _waiters.Remove(waiter);
        }
    }

    /// <summary>Releases every waiter whose target is now reached.</summary>
    public void Signal()
    {
        foreach (var (target, signal) in _waiters.ToList())
        {
            if (reached(target))
            {
                signal.TrySetResult();
            }
        }
    }
}
