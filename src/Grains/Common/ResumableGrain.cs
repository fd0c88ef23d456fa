using FedOrleans.Contracts;

namespace FedOrleans.Grains.Common;

/// <summary>
/// A start/poll grain whose work outlives its activation (an experiment's rounds, a language-model job's steps): the
/// work loop (<see cref="BackgroundLoop"/>), the long polls that are the one way progress reaches watchers
/// (<see cref="ProgressWaiters"/>), the resume reminder that revives the loop after a deactivation or a lost silo, and
/// a user's cancel. Subclasses own their state, the loop's body, what a resume records and how a run finishes.
/// </summary>
public abstract class ResumableGrain : Grain, IRemindable
{
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);

    private ProgressWaiters? _waiters;

    /// <summary>Long polls waiting for progress (created on first use: it needs the subclass's <see cref="Reached"/>).</summary>
    private ProgressWaiters Waiters => _waiters ??= new ProgressWaiters(Reached);

    protected BackgroundLoop Loop { get; } = new();

    /// <summary>True while the persisted phase is running (the loop should run, here or after a resume).</summary>
    protected abstract bool IsRunning { get; }

    /// <summary>True once progress <paramref name="progress"/> (a round, a step) is done or the run has ended.</summary>
    protected abstract bool Reached(int progress);

    /// <summary>Starts the loop over the persisted state.</summary>
    protected abstract void StartLoop();

    /// <summary>Records, before the loop restarts on a new activation, that the run resumes (persisted, logged).</summary>
    protected abstract Task RecordResumeAsync(CancellationToken cancellationToken);

    /// <summary>Records the end of the run (persisted), unregisters the reminder and wakes the long polls.</summary>
    protected abstract Task FinishAsync(ExperimentPhase phase, string? error);

    /// <summary>A running grain re-activated (after a deactivation or a lost silo) resumes from its persisted state.</summary>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (IsRunning)
        {
            await RecordResumeAsync(cancellationToken);
            StartLoop();
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Stop the loop without recording anything for the work in flight: the next activation redoes it.
        await Loop.StopAsync();
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        // Activation already resumed a running grain; a finished one no longer needs the reminder.
        if (!IsRunning)
        {
            return UnregisterResumeReminderAsync();
        }
        Loop.EnsureRunning(StartLoop);
        return Task.CompletedTask;
    }

    /// <summary>Waits until <see cref="Reached"/>(<paramref name="progress"/>) or the timeout.</summary>
    protected Task WaitForProgressAsync(int progress, TimeSpan timeout) => Waiters.WaitAsync(progress, timeout);

    /// <summary>Wakes the long polls.</summary>
    protected void Publish() => Waiters.Signal();

    /// <summary>A user's cancel: a running loop stops and finishes as cancelled; a running grain without a loop finishes here.</summary>
    protected async Task CancelRunAsync()
    {
        if (IsRunning)
        {
            await Loop.CancelOrFinishAsync(() => FinishAsync(ExperimentPhase.Cancelled, null));
        }
    }

    protected Task RegisterResumeReminderAsync() =>
        this.RegisterOrUpdateReminder(FedOrleansNames.ResumeReminder, ReminderPeriod, ReminderPeriod);

    protected async Task UnregisterResumeReminderAsync()
    {
        var reminder = await this.GetReminder(FedOrleansNames.ResumeReminder);
        if (reminder is not null)
        {
            await this.UnregisterReminder(reminder);
        }
    }
}
