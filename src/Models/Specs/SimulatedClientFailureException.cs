namespace FedOrleans.Models.Specs;

/// <summary>Thrown by a client that the spec's <c>faults</c> section tells to fail.</summary>
public sealed class SimulatedClientFailureException(int client, int round)
    : Exception($"client {client} failed in round {round} (simulated by the spec's faults section)");
