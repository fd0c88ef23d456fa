namespace FedOrleans.Contracts;

/// <summary>
/// A snapshot of an experiment: phase, progress, the last round, and how often it resumed after a deactivation.
/// <see cref="Reattached"/> is true in the answer to a start of an experiment that was already running with the same spec.
/// </summary>
[GenerateSerializer, Immutable, Alias("fedorleans.ExperimentStatus")]
public sealed record ExperimentStatus(
    [property: Id(0)] string ExperimentId,
    [property: Id(1)] ExperimentPhase Phase,
    [property: Id(2)] int CompletedRounds,
    [property: Id(3)] int TotalRounds,
    [property: Id(4)] RoundSummary? LastRound,
    [property: Id(5)] string? Error,
    [property: Id(6)] int Resumes,
    [property: Id(7)] double ElapsedSeconds,
    [property: Id(8)] bool Reattached = false)
{
    public bool IsFinished => Phase is ExperimentPhase.Completed or ExperimentPhase.Failed or ExperimentPhase.Cancelled;
}
