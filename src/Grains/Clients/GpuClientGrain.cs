using FedOrleans.Contracts;
using FedOrleans.Grains.Federation;
using FedOrleans.Grains.Placement;
using FedOrleans.Grains.Telemetry;
using FedOrleans.Grains.Training;
using Orleans.Runtime;

namespace FedOrleans.Grains.Clients;

/// <summary>
/// A client of an experiment that asks for a GPU (<c>gpu: required</c> or <c>preferred</c> on a cluster with
/// GPU silos): placed at random among the silos that advertise <c>cuda</c>, and each fit holds one of that
/// silo's GPU job slots.
/// </summary>
[GrainType(FedOrleansNames.GpuClientGrainType)]
[CollectionAgeLimit(Minutes = 5)]
[Orleans.Placement.RandomPlacement]
[GpuPlacementFilter]
public sealed class GpuClientGrain(
    WorkloadCache workloads,
    TrainingGate gate,
    CohortScheduler cohorts,
    GpuJobSlots gpu,
    FedOrleansMetrics metrics,
    ILocalSiloDetails silo) : ClientGrainBase(workloads, gate, cohorts, metrics, silo)
{
    protected override Task<FitResult> RunFitAsync(Func<Task<FitResult>> fit, CancellationToken cancellationToken) =>
        gpu.RunAsync(fit, cancellationToken);
}
