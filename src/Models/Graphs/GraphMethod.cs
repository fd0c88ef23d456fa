namespace FedOrleans.Models.Graphs;

/// <summary>The four methods of the ASFGNN comparison; a spec picks one with <c>strategy.kind</c> (<c>fedavg</c> with one client is centralised).</summary>
public enum GraphMethod
{
    /// <summary>The reference: one client holds the whole graph (all edges, all labelled nodes).</summary>
    Centralised,

    /// <summary>Each client trains its own model on its own subgraph; nothing is shared.</summary>
    LocalOnly,

    /// <summary>Naive federated GNN: FedAvg over all parameters (θ and φ).</summary>
    FedAvg,

    /// <summary>Separated-federated: θ private, φ averaged, mixing weight β and the JS second update.</summary>
    Asfgnn,
}
