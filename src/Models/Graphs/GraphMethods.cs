using FedOrleans.Models.Federated;

namespace FedOrleans.Models.Graphs;

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
