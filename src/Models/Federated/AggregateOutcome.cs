namespace FedOrleans.Models.Federated;

/// <summary>
/// The result of aggregation. When <see cref="Accepted"/> is false the round is void: the state is
/// unchanged and <see cref="Reason"/> says why (e.g. too few results).
/// </summary>
public sealed record AggregateOutcome(StrategyState State, bool Accepted, string? Reason, int AggregatedSamples)
{
    public static AggregateOutcome Rejected(StrategyState state, string reason) => new(state, false, reason, 0);
}
