using FedOrleans.Contracts;

namespace FedOrleans.Client.Cli;

/// <summary>
/// Starts an experiment (or attaches to a running one) and follows it round by round with long
/// polls until it finishes. Cancelling <paramref name="ct"/> cancels the experiment; finished rounds
/// are kept. When the silo that answered is lost, the runner keeps asking: the experiment grain
/// re-activates on a surviving silo and resumes from its last persisted round.
/// </summary>
public static class ExperimentRunner
{
    /// <summary>The longest a single long poll waits before asking again.</summary>
    public static readonly TimeSpan PollTimeout = TimeSpan.FromSeconds(20);

    /// <summary>How long the runner keeps retrying after losing contact before it gives up.</summary>
    public static readonly TimeSpan RecoveryLimit = TimeSpan.FromMinutes(10);

    public static async Task<ExperimentReport> RunAsync(IClusterClient client, string experimentId, string? specYaml,
        Action<ExperimentStatus> onProgress, CancellationToken ct, Action<string>? onRecovery = null)
    {
        var grain = client.GetGrain<IExperimentGrain>(GrainKeys.Experiment(experimentId));
        var status = specYaml is null ? await grain.GetStatusAsync() : await grain.StartAsync(specYaml);
        onProgress(status);
        try
        {
            while (!status.IsFinished)
            {
                ct.ThrowIfCancellationRequested();
                var next = await RetryAsync(() => grain.WaitForAsync(status.CompletedRounds + 1, PollTimeout), onRecovery, ct);
                if (next.CompletedRounds != status.CompletedRounds || next.Phase != status.Phase || next.Resumes != status.Resumes)
                {
                    if (next.Resumes > status.Resumes)
                    {
                        // A coordinator that writes its state every few rounds (--checkpoint-every) resumes from its last write.
                        onRecovery?.Invoke(next.CompletedRounds >= status.CompletedRounds
                            ? $"{experimentId} resumed after round {next.CompletedRounds} (resume {next.Resumes}); no finished round was lost"
                            : $"{experimentId} resumed after round {next.CompletedRounds}, its last checkpoint (resume {next.Resumes}); rounds {next.CompletedRounds + 1}-{status.CompletedRounds} are trained again, with the same results");
                    }
                    onProgress(next);
                }
                status = next;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            status = await grain.CancelAsync();
            onProgress(status);
        }
        return await RetryAsync(() => grain.GetReportAsync(), onRecovery, CancellationToken.None);
    }

    /// <summary>Retries calls that failed because a silo or gateway went away, for up to <see cref="RecoveryLimit"/>.</summary>
    public static async Task<T> RetryAsync<T>(Func<Task<T>> call, Action<string>? onRecovery, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + RecoveryLimit;
        var delay = TimeSpan.FromSeconds(1);
        while (true)
        {
            try
            {
                return await call().WaitAsync(ct);
            }
            catch (Exception e) when (e is OrleansException or TimeoutException && DateTime.UtcNow < deadline)
            {
                onRecovery?.Invoke($"lost contact with part of the cluster ({e.GetType().Name}); retrying in {delay.TotalSeconds:0} s");
                await Task.Delay(delay, ct);
                delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, 10));
            }
        }
    }
}
