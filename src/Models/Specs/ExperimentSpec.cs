using FedOrleans.Models.Data;
using FedOrleans.Models.Data.Partitioning;
using FedOrleans.Models.Federated;
using FedOrleans.Models.Graphs;
using FedOrleans.Models.Nn;
using FedOrleans.Models.Training;

namespace FedOrleans.Models.Specs;

/// <summary>
/// One experiment, as validated from YAML (see <see cref="SpecParser"/> and experiments/*.yaml).
/// Immutable; sent to the experiment grain and persisted with it. With <see cref="Adaptation"/> it is a
/// federated domain-adaptation experiment (FedMM and its baselines);
/// with <see cref="Graph"/> a node-classification experiment on a graph (ASFGNN and its baselines).
/// </summary>
public sealed record ExperimentSpec(
    string Name,
    ulong Seed,
    int Rounds,
    DatasetName Dataset,
    PartitionSpec Federation,
    ModelSpec Model,
    TrainerKind Trainer,
    TrainerSettings Train,
    StrategySpec Strategy,
    TimeSpan RoundTimeout,
    int EvaluateEvery,
    FaultSpec Faults,
    AdaptationSpec? Adaptation = null,
    int EvaluateSamples = 0,
    GpuRequirement Gpu = GpuRequirement.None,
    GraphSpec? Graph = null,
    Jobs.SmoreJobSettings? Adapter = null,
    ExecutionMode Execution = ExecutionMode.Single)
{
    /// <summary>The graph experiment this spec describes (null for image experiments): method, federation and settings for <see cref="GraphSimulation"/>.</summary>
    public GraphExperimentSpec? GraphExperiment => Graph is null ? null : new GraphExperimentSpec(
        Name, Seed, Rounds, Graph.Data,
        new GraphFederationSpec(Graph.Partition, Federation.Clients, Federation.Seed, Federation.Alpha, Federation.MinSize, Graph.CrossClientEdges),
        Strategy.Kind switch
        {
            StrategyKind.Asfgnn => GraphMethod.Asfgnn,
            StrategyKind.LocalOnly => GraphMethod.LocalOnly,
            _ when Federation.Clients == 1 => GraphMethod.Centralised,
            _ => GraphMethod.FedAvg,
        },
        Graph.Model, Train, Graph.Asfgnn, EvaluateEvery);

    /// <summary>All clients: the <see cref="Federation"/>'s (source) clients and, for domain adaptation, the target clients after them.</summary>
    public int TotalClients => Federation.Clients + (Adaptation?.TargetClients ?? 0);

    /// <summary>The dataset accuracy is measured on: the target domain's test set under adaptation, else the dataset's.</summary>
    public DatasetName EvaluationDataset => Adaptation?.Target ?? Dataset;
}
