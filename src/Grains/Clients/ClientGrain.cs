using FedOrleans.Contracts;
using FedOrleans.Grains.Federation;
using FedOrleans.Grains.Telemetry;
using FedOrleans.Grains.Training;
using Orleans.Runtime;

namespace FedOrleans.Grains.Clients;

/// <summary>A client of an ordinary experiment: placed at random, so a lost silo takes about 1/N of the clients with it; they re-activate on the others.</summary>
[GrainType(FedOrleansNames.ClientGrainType)]
[CollectionAgeLimit(Minutes = 5)]
[Orleans.Placement.RandomPlacement] // spread clients, and so their training, over all silos rather than next to the coordinator
public sealed class ClientGrain(
    WorkloadCache workloads,
    TrainingGate gate,
    CohortScheduler cohorts,
    FedOrleansMetrics metrics,
    ILocalSiloDetails silo) : ClientGrainBase(workloads, gate, cohorts, metrics, silo);
