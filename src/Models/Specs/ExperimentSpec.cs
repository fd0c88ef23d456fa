using FedOrleans.Models.Data;
using FedOrleans.Models.Data.Partitioning;
using FedOrleans.Models.Federated;
using FedOrleans.Models.Nn;
using FedOrleans.Models.Training;

namespace FedOrleans.Models.Specs;

/// <summary>
/// One experiment, as validated from YAML (see <see cref="SpecParser"/> and experiments/*.yaml).
/// Immutable; sent to the experiment grain and persisted with it. With <see cref="Adaptation"/> it is a
/// federated domain-adaptation experiment (FedMM and its baselines).
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
    GpuRequirement Gpu = GpuRequirement.None)
{
    /// <summary>All clients: the <see cref="Federation"/>'s (source) clients and, for domain adaptation, the target clients after them.</summary>
    public int TotalClients => Federation.Clients + (Adaptation?.TargetClients ?? 0);

    /// <summary>The dataset accuracy is measured on: the target domain's test set under adaptation, else the dataset's.</summary>
    public DatasetName EvaluationDataset => Adaptation?.Target ?? Dataset;
}
