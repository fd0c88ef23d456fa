using FedOrleans.Contracts;

namespace FedOrleans.Grains.Jobs;

/// <summary>A job grain's persisted state, written at every report and checkpoint: enough to resume from the last checkpoint on any silo.</summary>
[GenerateSerializer, Alias("fedorleans.JobState")]
public sealed class JobState
{
    [Id(0)] public string SpecYaml { get; set; } = "";
    [Id(1)] public ExperimentPhase Phase { get; set; }
    [Id(2)] public int Step { get; set; }
    [Id(3)] public int CheckpointStep { get; set; }
    [Id(4)] public List<JobPoint> History { get; set; } = [];
    [Id(5)] public string? Error { get; set; }
    [Id(6)] public int Resumes { get; set; }
    [Id(7)] public string CheckpointFolder { get; set; } = "";
    [Id(8)] public long Parameters { get; set; }
    [Id(9)] public double Seconds { get; set; }

    /// <summary>Steps the job runs, as its runner counts them (adapter jobs know it only from the task).</summary>
    [Id(10)] public int TotalSteps { get; set; }
}
