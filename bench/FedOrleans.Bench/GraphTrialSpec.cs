using FedOrleans.Models.Federated;
using FedOrleans.Models.Graphs;
using FedOrleans.Models.Nn;

namespace FedOrleans.Bench;

/// <summary>
/// One trial of the tuning-power bench: a graph experiment's graph, split, method, model and local training settings
/// (<see cref="TrainerSettings.Epochs"/> full-batch epochs per round). Every random choice follows from <see cref="Seed"/>.
/// </summary>
internal sealed record GraphTrialSpec(
    string Name,
    ulong Seed,
    int Rounds,
    GraphDataSpec Data,
    GraphFederationSpec Federation,
    GraphMethod Method,
    GnnSpec Model,
    TrainerSettings Train,
    AsfgnnSettings Asfgnn,
    int EvaluateEvery = 1);

/// <summary>A trial's final validation and test accuracy (over all clients' owned nodes).</summary>
internal sealed record GraphTrialResult(double ValidationAccuracy, double TestAccuracy);

/// <summary>
/// Runs the tuning-power bench's trials in process, thousands of short graph experiments without Orleans. The
/// cluster's round loop is the experiment grain; this one drives the same parts (the graph workload, the strategy, the
/// seeds) with every client in every round and the clients fitted one after another, so a trial's result is the
/// cluster's for the same spec. It exists for speed of measurement only: nothing in src/ uses it.
/// </summary>
internal static class GraphTrials
{
    public static GraphFederation Split(GraphTrialSpec spec, Graph graph) => GraphFederation.For(spec.Method, graph, spec.Federation);

    /// <summary>Runs <paramref name="spec"/> on a split made by <see cref="Split"/> (trials of one study share it).</summary>
    public static GraphTrialResult Run(GraphTrialSpec spec, GraphFederation federation)
    {
        var workload = new GraphWorkload(federation, new GraphTrainer(spec.Model, spec.Method.TrainerMode(), spec.Asfgnn), spec.Train);
        int clients = workload.Clients;
        var strategy = StrategyFactory.Create(new StrategySpec(spec.Method.Strategy(), FractionFit: 1, MinFitClients: clients, MinResults: 1), spec.Train);
        var state = strategy.Initialize(workload.InitialGlobal(SeedMixer.Mix(spec.Seed, SeedMixer.InitPurpose)));
        var privateStates = new float[]?[clients];
        var ids = Enumerable.Range(0, clients).Select(i => new ClientId(i)).ToList();
        ClientEvaluationResult? last = null;
        for (int round = 1; round <= spec.Rounds; round++)
        {
            var context = new RoundContext(round, spec.Seed);
            var updates = new List<ClientUpdate>();
            foreach (var assignment in strategy.ConfigureFit(context, state, ids))
            {
                int c = assignment.Client.Index;
                var outcome = workload.Fit(c, state.Global, assignment.Instructions, privateStates[c], default);
                privateStates[c] = outcome.PrivateState ?? privateStates[c];
                updates.Add(new ClientUpdate(assignment.Client, outcome.Weights, outcome.NumSamples, outcome.TrainLoss));
            }
            state = strategy.AggregateFit(context, state, updates, []).State;
            if (round == spec.Rounds || round % Math.Max(1, spec.EvaluateEvery) == 0)
            {
                last = ClientEvaluationResult.Sum(Enumerable.Range(0, clients).Select(c => workload.EvaluateClient(c, state.Global, privateStates[c], default)));
            }
        }
        return new GraphTrialResult(last!.ValidationAccuracy, last.TestAccuracy);
    }
}
