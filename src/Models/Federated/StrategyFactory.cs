using FedOrleans.Models.Specs;
using FedOrleans.Models.Training;

namespace FedOrleans.Models.Federated;

/// <summary>Maps a spec's strategy kind to its implementation.</summary>
public static class StrategyFactory
{
    public static IFederatedStrategy Create(ExperimentSpec spec) => Create(spec.Strategy, spec.Train, spec.Adaptation);

    public static IFederatedStrategy Create(StrategySpec strategy, TrainerSettings train, AdaptationSpec? adaptation = null) => strategy.Kind switch
    {
        StrategyKind.FedAvg or StrategyKind.FedProx => new FedAvgStrategy(strategy, train),
        StrategyKind.FedAvgM or StrategyKind.FedAdam => new ServerOptimizerStrategy(strategy, train),
        StrategyKind.FedMM or StrategyKind.FedAvgGda or StrategyKind.FedProxGda => new MinimaxStrategy(strategy, train,
            adaptation ?? throw new ArgumentException("minimax strategies need an adaptation section")),
        StrategyKind.Asfgnn => new AsfgnnStrategy(strategy, train),
        StrategyKind.LocalOnly => new LocalOnlyStrategy(strategy, train),
        _ => throw new ArgumentOutOfRangeException(nameof(strategy)),
    };
}
