using FedOrleans.Contracts;
using FedOrleans.Grains.Federation;
using FedOrleans.Grains.Placement;
using FedOrleans.Grains.Training;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace FedOrleans.Grains.Jobs;

/// <summary>A fine-tuning job that asked for a GPU: placed only on silos that advertise one, holding one of its GPU job slots while it trains.</summary>
[GrainType(FedOrleansNames.GpuJobGrainType)]
[GpuPlacementFilter]
public sealed class GpuLanguageModelJobGrain(
    [PersistentState("job", FedOrleansNames.StateStorage)] IPersistentState<JobState> state,
    DatasetStore datasets,
    TrainingGate gate,
    GpuJobSlots gpu,
    IOptions<TrainingOptions> options,
    ILocalSiloDetails silo,
    ILogger<GpuLanguageModelJobGrain> logger) : LanguageModelJobGrainBase(state, datasets, gate, options, silo, logger)
{
    protected override bool OnGpuSilo => true;

    protected override Task<bool> RunJobAsync(Func<Task<bool>> job, CancellationToken ct) => gpu.RunAsync(job, ct);
}
