namespace FedOrleans.Contracts;

/// <summary>Where an experiment is in its life.</summary>
[GenerateSerializer, Alias("fedorleans.ExperimentPhase")]
public enum ExperimentPhase
{
    NotStarted = 0,
    Running = 1,
    Completed = 2,
    Failed = 3,
    Cancelled = 4,
}
