using FedOrleans.Contracts;
using FedOrleans.Grains.Placement;
using FedOrleans.Grains.Training;
using Orleans.Runtime;

namespace FedOrleans.Grains.Jobs;

/// <summary>Inference on a GPU silo, holding one of its GPU job slots while it runs.</summary>
[GrainType(FedOrleansNames.GpuInferenceGrainType)]
[GpuPlacementFilter]
public sealed class GpuInferenceGrain(TrainingGate gate, GpuJobSlots gpu, ILocalSiloDetails silo) : InferenceGrainBase(gate, silo)
{
    protected override Task<T> RunAsync<T>(Func<Task<T>> work) => gpu.RunAsync(work, CancellationToken.None);
}
