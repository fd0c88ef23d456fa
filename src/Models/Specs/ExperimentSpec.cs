using FedOrleans.Models.Data;
using FedOrleans.Models.Data.Partitioning;
using FedOrleans.Models.Federated;
using FedOrleans.Models.Graphs;
using FedOrleans.Models.Nn;
using FedOrleans.Models.Torch;
using FedOrleans.Models.Training;

namespace FedOrleans.Models.Specs;

/// <summary>
/// One experiment, as validated from YAML (see <see cref="SpecParser"/> and experiments/*.yaml). Immutable; sent to the
/// experiment grain and persisted with it. <see cref="Workload"/> says what kind of experiment it is (image
/// classification, domain adaptation, graph, adapter) and holds what only that kind has; it builds the experiment's
/// <see cref="IFederatedWorkload"/>.
/// </summary>
public sealed record ExperimentSpec(
    string Name,
    ulong Seed,
    int Rounds,
    DatasetName Dataset,
    PartitionSpec Partition,
    ModelSpec Model,
    TrainerKind Trainer,
    TrainerSettings Train,
    StrategySpec Strategy,
    TimeSpan RoundTimeout,
    int EvaluateEvery,
    FaultSpec Faults,
    WorkloadSpec Workload,
    int EvaluateSamples = 0,
    GpuRequirement Gpu = GpuRequirement.None,
    ExecutionMode Execution = ExecutionMode.Auto)
{
    /// <summary>The server strategy this spec names, with the domain-adaptation section's coefficients for the minimax strategies.</summary>
    public IFederatedStrategy CreateStrategy() => StrategyFactory.Create(Strategy, Train, Workload is DomainAdaptationWorkloadSpec { Adaptation: var a }
        ? new MinimaxCoefficients(a.Loss.ToString(), a.Mu, a.DualDecay, a.DecayEvery, a.Coefficient)
        : null);

    /// <summary>All clients: the <see cref="Partition"/>'s and, for domain adaptation, the target clients after them.</summary>
    public int TotalClients => Workload.TotalClients(this);

    /// <summary>The model and the data, in one line.</summary>
    public string Describe() => Workload.Describe(this);

    /// <summary>Builds this experiment's workload from a silo's data.</summary>
    public Task<IFederatedWorkload> CreateWorkloadAsync(IWorkloadData data) => Workload.CreateAsync(this, data);
}
