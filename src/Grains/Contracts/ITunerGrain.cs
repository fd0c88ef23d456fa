using Orleans.Concurrency;

namespace FedOrleans.Contracts;

/// <summary>
/// One hyper-parameter study (key: the study id). Start/poll: <see cref="StartAsync"/> returns at once; the grain
/// runs each trial as a whole federated experiment (an <see cref="IExperimentGrain"/> keyed
/// <see cref="GrainKeys.Trial"/>), several at a time, persists every trial, and resumes after a deactivation.
/// </summary>
[Alias("fedorleans.ITunerGrain")]
public interface ITunerGrain : IGrainWithStringKey
{
    /// <summary>Starts the study; <paramref name="experimentYaml"/> is the base experiment its trials override. Idempotent for the same texts.</summary>
    [Alias("StartAsync")]
    Task<TunerStatus> StartAsync(string studyYaml, string experimentYaml);

    [Alias("GetStatusAsync"), AlwaysInterleave]
    Task<TunerStatus> GetStatusAsync();

    /// <summary>Returns once <paramref name="finishedTrials"/> trials have finished or the study has, or after <paramref name="timeout"/>.</summary>
    [Alias("WaitForAsync"), AlwaysInterleave]
    Task<TunerStatus> WaitForAsync(int finishedTrials, TimeSpan timeout);
}
