namespace FedOrleans.Models.Federated;

/// <summary>Maps a strategy kind to its implementation (<c>ExperimentSpec.CreateStrategy</c> builds one from a spec).</summary>
public static class StrategyFactory
{
    /// <param name="strategy">The server strategy and its settings.</param>
    /// <param name="train">The clients' local training settings.</param>
    /// <param name="minimax">The minimax strategies' coefficients (a domain-adaptation spec's); their rule comes from the kind.</param>
    public static IFederatedStrategy Create(StrategySpec strategy, TrainerSettings train, MinimaxCoefficients? minimax = null) => strategy.Kind switch
    {
        StrategyKind.FedAvg or StrategyKind.FedProx => new FedAvgStrategy(strategy, train),
        StrategyKind.FedAvgM or StrategyKind.FedAdam => new ServerOptimizerStrategy(strategy, train),
        StrategyKind.FedMM or StrategyKind.FedAvgGda or StrategyKind.FedProxGda => new MinimaxStrategy(strategy, train,
            minimax ?? throw new ArgumentException("minimax strategies need an adaptation section")),
        StrategyKind.Asfgnn => new AsfgnnStrategy(strategy, train),
        StrategyKind.LocalOnly => new LocalOnlyStrategy(strategy, train),
        _ => throw new ArgumentOutOfRangeException(nameof(strategy)),
    };
}
