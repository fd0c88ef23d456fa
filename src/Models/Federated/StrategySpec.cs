namespace FedOrleans.Models.Federated;

/// <summary>
/// Server-side settings. Each round samples max(<see cref="MinFitClients"/>, ceil(<see cref="FractionFit"/> x clients))
/// clients; a round with fewer than <see cref="MinResults"/> successful results is void (the global model is kept).
/// </summary>
public sealed record StrategySpec(
    StrategyKind Kind = StrategyKind.FedAvg,
    double FractionFit = 0.1,
    int MinFitClients = 1,
    int MinResults = 1,
    double ProximalMu = 0.01,
    double ServerLearningRate = 1.0,
    double ServerMomentum = 0.9,
    double Beta1 = 0.9,
    double Beta2 = 0.99,
    double Tau = 1e-3);
