namespace FedOrleans.Grains.Common;

/// <summary>
/// The work loop of a start/poll grain (experiment rounds, job steps, study trials), run as a task on the
/// grain's own scheduler so that queries interleave at its awaits. A deactivating grain stops it without
/// recording anything (the next activation resumes); a user's cancel is remembered in <see cref="CancelRequested"/>
/// so the loop can finish as cancelled.
/// </summary>
public sealed class BackgroundLoop : IDisposable
{
    private Task? _loop;
    private CancellationTokenSource? _cancellation;

    /// <summary>True once a user asked to cancel (not set by deactivation).</summary>
    public bool CancelRequested { get; private set; }

    public bool IsRunning => _loop is { IsCompleted: false };

    /// <summary>Starts <paramref name="body"/> with a fresh cancellation token.</summary>
    public void Start(Func<CancellationToken, Task> body)
    {
        _cancellation?.Dispose();
        _cancellation = new CancellationTokenSource();
        _loop = body(_cancellation.Token);
    }

    /// <summary>Cancels the running loop and waits for it to end (deactivation).</summary>
    public async Task StopAsync()
    {
        if (_loop is { IsCompleted: false } loop)
        {
            await _cancellation!.CancelAsync();
            await loop;
        }
    }

    /// <summary>A user's cancel: stops the running loop, which sees <see cref="CancelRequested"/>; false when no loop was running.</summary>
    public async Task<bool> CancelAsync()
    {
        CancelRequested = true;
        if (!IsRunning)
        {
            return false;
        }
        await StopAsync();
        return true;
    }

    /// <summary>
    /// A user's cancel of a running grain: stops the loop, which then finishes as cancelled, or, with no loop
    /// running, finishes through <paramref name="finishIdle"/>.
    /// </summary>
    public async Task CancelOrFinishAsync(Func<Task> finishIdle)
    {
        if (!await CancelAsync())
        {
            await finishIdle();
        }
    }

    /// <summary>A reminder's tick for a running grain: starts the loop again unless it runs already.</summary>
    public void EnsureRunning(Action start)
    {
        if (!IsRunning)
        {
            start();
        }
    }

    public void Dispose() => _cancellation?.Dispose();
}
