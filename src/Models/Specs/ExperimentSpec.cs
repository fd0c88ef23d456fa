using FedOrleans.Models.Data;
using FedOrleans.Models.Data.Partitioning;
using FedOrleans.Models.Federated;
using FedOrleans.Models.Nn;
using FedOrleans.Models.Training;

namespace FedOrleans.Models.Specs;

/// <summary>
/// One experiment, as validated from YAML (see <see cref="SpecParser"/> and experiments/*.yaml).
/// Immutable; sent to the experiment grain and persisted with it.
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
    FaultSpec Faults);
