namespace FedOrleans.Contracts;

/// <summary>Everything needed to write an experiment's results: status, every round, and the final global weights.</summary>
[GenerateSerializer, Immutable, Alias("fedorleans.ExperimentReport")]
public sealed record ExperimentReport(
    [property: Id(0)] ExperimentStatus Status,
    [property: Id(1)] string SpecYaml,
    [property: Id(2)] IReadOnlyList<RoundSummary> Rounds,
    [property: Id(3)] byte[] FinalWeights,
    [property: Id(4)] string FinalWeightsSha256,
    [property: Id(5)] long SiloPeakRssBytes,
    [property: Id(6)] string Strategy);
