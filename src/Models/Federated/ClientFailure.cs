namespace FedOrleans.Models.Federated;

/// <summary>A client that threw, timed out or was unreachable this round.</summary>
public sealed record ClientFailure(ClientId Client, string Reason);
