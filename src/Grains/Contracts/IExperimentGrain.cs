using Orleans.Concurrency;

namespace FedOrleans.Contracts;

/// <summary>
/// The coordinator of one experiment (key: the experiment id). Start/poll: <see cref="StartAsync"/>
/// returns at once, rounds run in the grain, and watchers follow them with the long poll <see cref="WaitForAsync"/>.
/// </summary>
[Alias("fedorleans.IExperimentGrain")]
public interface IExperimentGrain : IGrainWithStringKey
{
    /// <summary>Starts the experiment described by <paramref name="specYaml"/>. Idempotent for the same spec; refuses another spec under a used id.</summary>
    [Alias("StartAsync")]
    Task<ExperimentStatus> StartAsync(string specYaml);

    [Alias("GetStatusAsync"), AlwaysInterleave]
    Task<ExperimentStatus> GetStatusAsync();

    /// <summary>Returns once <paramref name="round"/> rounds are complete or the experiment has finished, or after <paramref name="timeout"/>.</summary>
    [Alias("WaitForAsync"), AlwaysInterleave]
    Task<ExperimentStatus> WaitForAsync(int round, TimeSpan timeout);

    [Alias("GetReportAsync"), AlwaysInterleave]
    Task<ExperimentReport> GetReportAsync();

    /// <summary>The validated spec, as YAML; client grains read it to build their shard.</summary>
    [Alias("GetSpecAsync"), AlwaysInterleave]
    Task<string> GetSpecAsync();

    /// <summary>The clients and their data (clients.csv: one row per client, with a header), as the workload describes them.</summary>
    [Alias("GetClientsCsvAsync"), AlwaysInterleave]
    Task<string> GetClientsCsvAsync();

    /// <summary>The live view: status, curves and per-client activity (the silo's /federation page).</summary>
    [Alias("GetViewAsync"), AlwaysInterleave]
    Task<ExperimentView> GetViewAsync();

    /// <summary>A client grain of this experiment was collected (sent by the client as it deactivates).</summary>
    [Alias("ClientDeactivatedAsync"), OneWay]
    Task ClientDeactivatedAsync(int clientIndex);

    /// <summary>Stops after cancelling the round in flight; finished rounds are kept.</summary>
    [Alias("CancelAsync")]
    Task<ExperimentStatus> CancelAsync();
}
