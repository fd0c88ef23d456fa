using Orleans.Concurrency;

namespace FedOrleans.Contracts;

/// <summary>
/// One language-model job (key: the job id): pre-training, GEM or adapter fine-tuning. Start/poll like an experiment:
/// <see cref="StartAsync"/> returns at once, the job trains on its silo, checkpoints on schedule, wakes the long polls
/// (<see cref="WaitForAsync"/>), and resumes from its last checkpoint on another silo if its own dies.
/// </summary>
/// <remarks>
/// Two implementations: <see cref="FedOrleansNames.JobGrainType"/> (any silo) and <see cref="FedOrleansNames.GpuJobGrainType"/>
/// (GPU silos only, one of the silo's GPU job slots for the job's lifetime). Start jobs through
/// <see cref="IJobRegistryGrain"/>, which picks one from the spec's <c>gpu</c> and the cluster.
/// </remarks>
[Alias("fedorleans.ILanguageModelJobGrain")]
[Orleans.Metadata.DefaultGrainType(FedOrleansNames.JobGrainType)]
public interface ILanguageModelJobGrain : IGrainWithStringKey
{
    /// <summary>Starts the job <paramref name="specYaml"/> describes; idempotent for the same spec while running.</summary>
    [Alias("StartAsync")]
    Task<JobStatus> StartAsync(string specYaml);

    [Alias("GetStatusAsync"), AlwaysInterleave]
    Task<JobStatus> GetStatusAsync();

    /// <summary>Returns once <paramref name="step"/> steps are done or the job has finished, or after <paramref name="timeout"/>.</summary>
    [Alias("WaitForAsync"), AlwaysInterleave]
    Task<JobStatus> WaitForAsync(int step, TimeSpan timeout);

    /// <summary>Stops after the step in flight and writes a checkpoint; the job can be started again under a new id from it.</summary>
    [Alias("CancelAsync")]
    Task<JobStatus> CancelAsync();
}
