using FedOrleans.Models.Federated;

namespace FedOrleans.Models.Graphs;

/// <summary>
/// Node classification on a graph split over clients (ASFGNN and its baselines, papers.md section 4): each client
/// holds a subgraph (<see cref="GraphShard"/>) and trains with <see cref="GraphTrainer"/>, keeping what its method keeps
/// private in its private state; every client evaluates its own model on its own validation and test nodes.
/// </summary>
public sealed class GraphWorkload(GraphFederation federation, GraphTrainer trainer, TrainerSettings settings) : IFederatedWorkload
{
    public string Description => $"{trainer.Model.Kind} on {federation.Graph.Name}, {federation.Spec.Kind} split";

    public int Clients => federation.Shards.Count;

    public EvaluationSite EvaluationSite => EvaluationSite.Clients;

    /// <summary>The graph and its split.</summary>
    public GraphFederation Federation => federation;

    public ModelWeights InitialGlobal(ulong seed) => trainer.InitialGlobal(federation.Graph.FeatureCount, federation.Graph.NumClasses, seed);

    public ClientDescription DescribeClient(int client) => new(federation.Shards[client].OwnedCount, Unlabelled: false);

    public FitOutcome Fit(int client, ModelWeights global, FitInstructions instructions, float[]? privateState, CancellationToken ct) =>
        trainer.Fit(global, instructions, federation.Shards[client], privateState, ct);

    public EvaluationResult EvaluateGlobal(ModelWeights global, CancellationToken ct) =>
        throw new NotSupportedException("a graph experiment is evaluated by its clients, each on its own nodes");

    public ClientEvaluationResult EvaluateClient(int client, ModelWeights global, float[]? privateState, CancellationToken ct) =>
        trainer.Evaluate(global, federation.Shards[client], privateState, settings, ct);

    public string ClientsCsv() => federation.StatisticsCsv();

    public string PartitionSummary() =>
        PartitionSummaries.ClientSizes(federation.Shards.Select(s => s.OwnedCount), "nodes") + System.FormattableString.Invariant(
            $"; {federation.Graph.NodeCount} nodes, {federation.Graph.EdgeCount} edges, {federation.CutEdges} cut by the split{(federation.Spec.CrossClientEdges ? " (kept as cross-client edges)" : " (dropped)")}");
}
