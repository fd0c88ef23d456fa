using FedOrleans.Models.Specs;

namespace FedOrleans.Models.Federated;

/// <summary>Maps a spec's strategy kind to its implementation.</summary>
public static class StrategyFactory
{
    public static IFederatedStrategy Create(ExperimentSpec spec) => spec.Strategy.Kind switch
    {
        StrategyKind.FedAvg or StrategyKind.FedProx => new FedAvgStrategy(spec.Strategy, spec.Train),
        StrategyKind.FedAvgM or StrategyKind.FedAdam => new ServerOptimizerStrategy(spec.Strategy, spec.Train),
        StrategyKind.FedMM or StrategyKind.FedAvgGda or StrategyKind.FedProxGda => new MinimaxStrategy(spec.Strategy, spec.Train,
            spec.Adaptation ?? throw new ArgumentException("minimax strategies need an adaptation section")),
        _ => throw new ArgumentOutOfRangeException(nameof(spec)),
    };
}
