namespace FedOrleans.Contracts;

/// <summary>A study's progress: its trials in start order, how many are finished, and the best so far.</summary>
[GenerateSerializer, Immutable, Alias("fedorleans.TunerStatus")]
public sealed record TunerStatus(
    [property: Id(0)] string StudyId,
    [property: Id(1)] ExperimentPhase Phase,
    [property: Id(2)] int Budget,
    [property: Id(3)] IReadOnlyList<TrialSummary> Trials,
    [property: Id(4)] string Optimizer,
    [property: Id(5)] string? Error,
    [property: Id(6)] int Resumes)
{
    public int Finished => Trials.Count(t => t.Phase != ExperimentPhase.Running);

    public TrialSummary? Best => Trials.Where(t => !double.IsNaN(t.ValidationAccuracy)).OrderByDescending(t => t.ValidationAccuracy).ThenBy(t => t.Number).FirstOrDefault();

    public bool IsFinished => Phase is ExperimentPhase.Completed or ExperimentPhase.Failed or ExperimentPhase.Cancelled;
}
