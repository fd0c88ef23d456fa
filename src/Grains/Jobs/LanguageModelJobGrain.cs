using FedOrleans.Contracts;
using FedOrleans.Grains.Federation;
using FedOrleans.Grains.Training;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace FedOrleans.Grains.Jobs;

/// <summary>A fine-tuning job on any silo.</summary>
[GrainType(FedOrleansNames.JobGrainType)]
public sealed class LanguageModelJobGrain(
    [PersistentState("job", FedOrleansNames.StateStorage)] IPersistentState<JobState> state,
    DatasetStore datasets,
    TrainingGate gate,
    IOptions<TrainingOptions> options,
    ILocalSiloDetails silo,
    ILogger<LanguageModelJobGrain> logger) : LanguageModelJobGrainBase(state, datasets, gate, options, silo, logger)
{
    protected override bool OnGpuSilo => false;
}
