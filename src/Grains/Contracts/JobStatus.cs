namespace FedOrleans.Contracts;

/// <summary>One reported step of a language-model job; <see cref="Metric"/> is NaN where it was not measured.</summary>
[GenerateSerializer, Immutable, Alias("fedorleans.JobPoint")]
public sealed record JobPoint(
    [property: Id(0)] int Step,
    [property: Id(1)] double Loss,
    [property: Id(2)] double LearningRate,
    [property: Id(3)] double Metric,
    [property: Id(4)] double Seconds);

/// <summary>
/// A snapshot of a language-model job: phase, progress, the last checkpoint (where a resume starts), the
/// reported steps, and where it runs. <see cref="CheckpointFolder"/> is a path on the silos' filesystem.
/// </summary>
[GenerateSerializer, Immutable, Alias("fedorleans.JobStatus")]
public sealed record JobStatus(
    [property: Id(0)] string JobId,
    [property: Id(1)] string Kind,
    [property: Id(2)] ExperimentPhase Phase,
    [property: Id(3)] int Step,
    [property: Id(4)] int TotalSteps,
    [property: Id(5)] int CheckpointStep,
    [property: Id(6)] string MetricName,
    [property: Id(7)] IReadOnlyList<JobPoint> History,
    [property: Id(8)] string? Error,
    [property: Id(9)] int Resumes,
    [property: Id(10)] string Silo,
    [property: Id(11)] string Device,
    [property: Id(12)] string CheckpointFolder,
    [property: Id(13)] long Parameters,
    [property: Id(14)] bool OnGpuSilo)
{
    public bool IsFinished => Phase is ExperimentPhase.Completed or ExperimentPhase.Failed or ExperimentPhase.Cancelled;
}
