namespace FedOrleans.Contracts;

/// <summary>A client that failed in a round, and why.</summary>
[GenerateSerializer, Immutable, Alias("fedorleans.ClientFailure")]
public sealed record ClientFailureWire(
    [property: Id(0)] int Client,
    [property: Id(1)] string Reason);
