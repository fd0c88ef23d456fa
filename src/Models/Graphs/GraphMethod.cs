using FedOrleans.Models.Federated;
using FedOrleans.Models.Training;

namespace FedOrleans.Models.Graphs;

/// <summary>The four methods of the ASFGNN comparison. Spec names: <c>centralised</c>, <c>local-only</c>, <c>fedavg</c>, <c>asfgnn</c>.</summary>
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

/// <summary>How each method maps onto a strategy and a trainer mode.</summary>
public static class GraphMethods
{
    public static StrategyKind Strategy(this GraphMethod method) => method switch
    {
        GraphMethod.Centralised or GraphMethod.FedAvg => StrategyKind.FedAvg,
        GraphMethod.LocalOnly => StrategyKind.LocalOnly,
        GraphMethod.Asfgnn => StrategyKind.Asfgnn,
        _ => throw new ArgumentOutOfRangeException(nameof(method)),
    };

    public static GraphTrainerMode TrainerMode(this GraphMethod method) => method switch
    {
        GraphMethod.Centralised or GraphMethod.FedAvg => GraphTrainerMode.Shared,
        GraphMethod.LocalOnly => GraphTrainerMode.Private,
        GraphMethod.Asfgnn => GraphTrainerMode.Separated,
        _ => throw new ArgumentOutOfRangeException(nameof(method)),
    };
}
