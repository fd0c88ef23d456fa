using FedOrleans.Contracts;

namespace FedOrleans.Client.Cli;

/// <summary>
/// Starts an experiment (or attaches to a running one) and follows it round by round with long
/// polls until it finishes. Cancelling <paramref name="ct"/> cancels the experiment; finished rounds are kept.
/// </summary>
public static class ExperimentRunner
{
    /// <summary>The longest a single long poll waits before asking again.</summary>
    public static readonly TimeSpan PollTimeout = TimeSpan.FromSeconds(20);

    public static async Task<ExperimentReport> RunAsync(IClusterClient client, string experimentId, string? specYaml,
        Action<ExperimentStatus> onProgress, CancellationToken ct)
    {
        var grain = client.GetGrain<IExperimentGrain>(GrainKeys.Experiment(experimentId));
        var status = specYaml is null ? await grain.GetStatusAsync() : await grain.StartAsync(specYaml);
        onProgress(status);
        try
        {
            while (!status.IsFinished)
            {
                ct.ThrowIfCancellationRequested();
                var next = await grain.WaitForAsync(status.CompletedRounds + 1, PollTimeout).WaitAsync(ct);
                if (next.CompletedRounds != status.CompletedRounds || next.Phase != status.Phase)
                {
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
        return await grain.GetReportAsync();
    }
}
