using FedOrleans.Models.Specs;
using FedOrleans.Models.Training;

namespace FedOrleans.Models.Federated;

/// <summary>
/// FedAvg (and FedProx, which differs only in the clients' proximal term): sample clients, average
/// their weights weighted by sample count, in client-index order.
/// </summary>
public class FedAvgStrategy(StrategySpec spec, TrainerSettings settings) : IFederatedStrategy
{
    protected StrategySpec Spec { get; } = spec;

    public virtual StrategyState Initialize(ModelWeights initial, ExperimentSpec experiment) => StrategyState.Initial(initial);

    public IReadOnlyList<ClientAssignment> ConfigureFit(RoundContext round, StrategyState state, IReadOnlyList<ClientId> available)
    {
        int count = ClientSampler.SampleSize(available.Count, Spec.FractionFit, Spec.MinFitClients);
        var chosen = ClientSampler.Sample(available, count, round.SamplingRandom());
        var clientSettings = Spec.Kind == StrategyKind.FedProx ? settings with { ProximalMu = Spec.ProximalMu } : settings;
        return chosen.Select(c => new ClientAssignment(c, new FitInstructions(round.Round, round.FitSeed(c), clientSettings))).ToList();
    }

    public AggregateOutcome AggregateFit(RoundContext round, StrategyState state, IReadOnlyList<ClientUpdate> results, IReadOnlyList<ClientFailure> failures)
    {
        if (results.Count < Spec.MinResults)
        {
            return AggregateOutcome.Rejected(state,
                $"round {round.Round}: {results.Count} results and {failures.Count} failures; at least {Spec.MinResults} results are needed (strategy.min_results)");
        }
        var average = Aggregation.WeightedAverage(results);
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

    /// <summary>How the server turns the clients' average into the next global state; FedAvg takes it as is.</summary>
    protected virtual StrategyState ServerStep(StrategyState state, float[] average) =>
        state with { Global = new ModelWeights(average), Step = state.Step + 1 };
}
