namespace FedOrleans.Contracts;

/// <summary>What a client grain reports about itself; <see cref="PrivateStateSha256"/> fingerprints its persisted private state (FedMM duals), null when it has none.</summary>
[GenerateSerializer, Immutable, Alias("fedorleans.ClientInfo")]
public sealed record ClientInfo(
    [property: Id(0)] string ExperimentId,
    [property: Id(1)] int Index,
    [property: Id(2)] int ShardSize,
    [property: Id(3)] bool Unlabelled,
    [property: Id(4)] int Fits,
    [property: Id(5)] int LastRound,
    [property: Id(6)] string Silo,
    [property: Id(7)] string? PrivateStateSha256 = null);
