namespace FedOrleans.Models.Graphs;

/// <summary>
/// A seeded split of a graph's nodes over <see cref="Clients"/> clients. By default a client sees only
/// the edges between its own nodes; with <see cref="CrossClientEdges"/> it also sees its edges to other
/// clients' nodes, together with those neighbours' features (never their labels).
/// </summary>
public sealed record GraphFederationSpec(
    GraphPartitionKind Kind,
    int Clients,
    ulong Seed,
    double Alpha = 0.5,
    int MinSize = 5,
    bool CrossClientEdges = false);
