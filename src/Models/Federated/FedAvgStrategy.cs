
namespace FedOrleans.Models.Federated;

/// <summary>
/// FedAvg (and FedProx, which differs only in the clients' proximal term): sample clients, average
/// their weights weighted by sample count, in client-index order.
/// </summary>
public class FedAvgStrategy(StrategySpec spec, TrainerSettings settings) : IFederatedStrategy
{
    protected TrainerSettings Settings { get; } = settings;

    protected StrategySpec Spec { get; } = spec;

    public virtual StrategyState Initialize(ModelWeights initial) => StrategyState.Initial(initial);

    public IReadOnlyList<ClientAssignment> ConfigureFit(RoundContext round, StrategyState state, IReadOnlyList<ClientId> available)
    {
        int count = ClientSampler.SampleSize(available.Count, Spec.FractionFit, Spec.MinFitClients);
        var chosen = ClientSampler.Sample(available, count, round.SamplingRandom());
        return chosen.Select(c => new ClientAssignment(c, Instructions(round, c))).ToList();
    }

    public AggregateOutcome AggregateFit(RoundContext round, StrategyState state, IReadOnlyList<ClientUpdate> results, IReadOnlyList<ClientFailure> failures)
    {
        if (results.Count < Spec.MinResults)
        {
            return AggregateOutcome.Rejected(state,
                $"round {round.Round}: {results.Count} results and {failures.Count} failures; at least {Spec.MinResults} results are needed (strategy.min_results)");
        }
        var average = Average(results);
        if (average is null)
        {
            return AggregateOutcome.Rejected(state, $"round {round.Round}: no result carried any samples (all sampled clients unlabelled or empty)");
        }
        int samples = results.Sum(r => r.NumSamples);
        return new AggregateOutcome(ServerStep(state, average), true, null, samples);
    }

    public virtual string Describe() => Spec.Kind == StrategyKind.FedProx
        ? $"FedProx(mu={Spec.ProximalMu}, fraction={Spec.FractionFit}, min_fit={Spec.MinFitClients}, min_results={Spec.MinResults})"
        : $"FedAvg(fraction={Spec.FractionFit}, min_fit={Spec.MinFitClients}, min_results={Spec.MinResults})";

    /// <summary>What a sampled client is told to do this round.</summary>
    protected virtual FitInstructions Instructions(RoundContext round, ClientId client) =>
        new(round.Round, round.FitSeed(client), Spec.Kind == StrategyKind.FedProx ? Settings with { ProximalMu = Spec.ProximalMu } : Settings);

    /// <summary>How results are averaged: weighted by sample count (FedAvg).</summary>
    protected virtual float[]? Average(IReadOnlyList<ClientUpdate> results) => Aggregation.WeightedAverage(results);

    /// <summary>How the server turns the clients' average into the next global state; FedAvg takes it as is.</summary>
    protected virtual StrategyState ServerStep(StrategyState state, float[] average) =>
        state with { Global = new ModelWeights(average), Step = state.Step + 1 };
}
