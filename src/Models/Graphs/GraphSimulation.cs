using FedOrleans.Models.Federated;
using FedOrleans.Models.Training;

namespace FedOrleans.Models.Graphs;

/// <summary>
/// Runs a graph experiment in process through the same strategy and trainer the cluster uses: each round the
/// strategy configures the clients, each client fits on its shard with its private state, the strategy aggregates.
/// Clients are fitted one after another (the result does not depend on order). Used by tests, the console's
/// <c>graph</c> command and the tuner's objective.
/// </summary>
public static class GraphSimulation
{
    public static GraphFederation Federate(GraphExperimentSpec spec, Graph graph) => spec.Method == GraphMethod.Centralised
        ? new GraphFederation(graph, spec.Federation with { Clients = 1 }, [GraphShard.Whole(graph)], 0)
        : GraphFederation.Create(graph, spec.Federation);

    public static GraphRunResult Run(GraphExperimentSpec spec, Graph graph, IProgress<GraphRoundResult>? progress = null, CancellationToken ct = default) =>
        Run(spec, Federate(spec, graph), progress, ct);

    /// <summary>Runs on a federation already built by <see cref="Federate"/> for this spec's graph, method and federation (many trials of one study share it).</summary>
    public static GraphRunResult Run(GraphExperimentSpec spec, GraphFederation federation, IProgress<GraphRoundResult>? progress = null, CancellationToken ct = default)
    {
        var graph = federation.Graph;
        var trainer = new GraphTrainer(spec.Model, spec.Method.TrainerMode(), spec.Asfgnn);
        int clients = federation.Shards.Count;
        var strategy = StrategyFactory.Create(new StrategySpec(spec.Method.Strategy(), FractionFit: 1, MinFitClients: clients, MinResults: 1), spec.Train);
        var state = StrategyState.Initial(trainer.InitialGlobal(graph.FeatureCount, graph.NumClasses, SeedMixer.Mix(spec.Seed, SeedMixer.InitPurpose)));
        var privateStates = new float[]?[clients];
        var ids = Enumerable.Range(0, clients).Select(i => new ClientId(i)).ToList();
        var rounds = new List<GraphRoundResult>();
        GraphEvaluation? last = null;
        for (int round = 1; round <= spec.Rounds; round++)
        {
            var context = new RoundContext(round, spec.Seed);
            var updates = new List<ClientUpdate>();
            foreach (var assignment in strategy.ConfigureFit(context, state, ids))
            {
                int c = assignment.Client.Index;
                var outcome = trainer.Fit(state.Global, assignment.Instructions, federation.Shards[c], privateStates[c], ct);
                privateStates[c] = outcome.PrivateState ?? privateStates[c];
                updates.Add(new ClientUpdate(assignment.Client, outcome.Weights, outcome.NumSamples, outcome.TrainLoss));
            }
            var aggregate = strategy.AggregateFit(context, state, updates, []);
            state = aggregate.State;
            double loss = updates.Where(u => !double.IsNaN(u.TrainLoss)).Select(u => u.TrainLoss).DefaultIfEmpty(double.NaN).Average();
            bool evaluate = round == spec.Rounds || round % Math.Max(1, spec.EvaluateEvery) == 0;
            if (evaluate)
            {
                last = GraphEvaluation.Sum(federation.Shards.Select((s, c) => trainer.Evaluate(state.Global, s, privateStates[c], spec.Train, ct)));
            }
            var result = new GraphRoundResult(round, loss, evaluate ? last!.ValidationAccuracy : double.NaN, evaluate ? last!.TestAccuracy : double.NaN);
            rounds.Add(result);
            progress?.Report(result);
        }
        return new GraphRunResult(rounds, last!.ValidationAccuracy, last.TestAccuracy, federation.StatisticsCsv(), federation.CutEdges);
    }
}
