namespace FedOrleans.Contracts;

/// <summary>Published on the experiment's progress stream after every round and at every phase change.</summary>
[GenerateSerializer, Immutable, Alias("fedorleans.ExperimentEvent")]
public sealed record ExperimentEvent(
    [property: Id(0)] ExperimentStatus Status,
    [property: Id(1)] RoundSummary? Round);
