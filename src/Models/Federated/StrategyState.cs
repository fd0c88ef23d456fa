namespace FedOrleans.Models.Federated;

/// <summary>
/// Everything a strategy carries between rounds: the global weights, optimiser slots (e.g. FedAvgM's
/// momentum, FedAdam's two moments) and the number of server steps taken. Persisted after every round.
/// </summary>
public sealed record StrategyState(ModelWeights Global, IReadOnlyList<float[]> Slots, int Step)
{
    public static StrategyState Initial(ModelWeights global) => new(global, [], 0);
}
