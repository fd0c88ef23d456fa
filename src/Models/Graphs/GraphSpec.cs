using FedOrleans.Models.Nn;

namespace FedOrleans.Models.Graphs;

/// <summary>
/// The <c>graph:</c> section of an experiment spec: which graph and features, how its nodes are split over the
/// <c>federation.clients</c> clients, whether cross-client edges are kept, the model, and ASFGNN's client settings.
/// The method follows from <c>strategy.kind</c>: <c>fedavg</c> (naive federated GNN; with one client, centralised
/// training), <c>asfgnn</c>, or <c>local-only</c>.
/// </summary>
public sealed record GraphSpec(
    GraphDataSpec Data,
    GraphPartitionKind Partition,
    bool CrossClientEdges,
    GnnSpec Model,
    AsfgnnSettings Asfgnn);
