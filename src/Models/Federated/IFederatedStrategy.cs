namespace FedOrleans.Models.Federated;

/// <summary>
/// A federated algorithm's server side: pure, synchronous and deterministic. State goes in, a new
/// state comes out; the only randomness is the round's seeded generator.
/// </summary>
public interface IFederatedStrategy
{
    StrategyState Initialize(ModelWeights initial);

    IReadOnlyList<ClientAssignment> ConfigureFit(RoundContext round, StrategyState state, IReadOnlyList<ClientId> available);

    /// <summary>Aggregates the round. <paramref name="results"/> may arrive in any order; implementations use client-index order.</summary>
    AggregateOutcome AggregateFit(RoundContext round, StrategyState state, IReadOnlyList<ClientUpdate> results, IReadOnlyList<ClientFailure> failures);

    string Describe();
}
