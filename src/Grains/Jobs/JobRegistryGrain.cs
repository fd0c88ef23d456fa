using FedOrleans.Contracts;
using FedOrleans.Grains.Placement;
using FedOrleans.Models.Jobs;
using FedOrleans.Models.Specs;
using FedOrleans.Models.Specs.Yaml;
using FedOrleans.Models.Torch;
using Orleans.Runtime;

namespace FedOrleans.Grains.Jobs;

/// <summary>The jobs of the cluster and which kind of silo each runs on; see <see cref="IJobRegistryGrain"/>.</summary>
public sealed class JobRegistryGrain(
    [PersistentState("jobs", FedOrleansNames.StateStorage)] IPersistentState<JobRegistryState> state,
    GpuSilos gpuSilos) : Grain, IJobRegistryGrain
{
    public async Task<JobStatus> StartAsync(string jobId, string specYaml)
    {
        if (state.State.Jobs.TryGetValue(jobId, out var knownGpu))
        {
            return await GrainKeys.JobGrain(GrainFactory, jobId, knownGpu).StartAsync(specYaml);
        }
        var (spec, errors, _) = JobSpecParser.TryParse(specYaml);
        if (spec is null)
        {
            throw new SpecRefusedException(new SpecException($"job {jobId}", errors).Message);
        }
        bool gpu = false;
        if (spec.Gpu != GpuRequirement.None)
        {
            gpu = gpuSilos.Active().Count > 0;
            if (!gpu && spec.Gpu == GpuRequirement.Required)
            {
                throw new SpecRefusedException(
                    $"job {jobId} asks for a GPU (gpu: required) but no silo of this cluster advertises one; start a silo with --device cuda (it advertises {FedOrleansNames.DeviceMetadata}=cuda), or set gpu: preferred to fall back to the CPU silos");
            }
        }
        var status = await GrainKeys.JobGrain(GrainFactory, jobId, gpu).StartAsync(specYaml);
        state.State.Jobs[jobId] = gpu;
        await state.WriteStateAsync();
        return status;
    }

    public Task<ILanguageModelJobGrain?> FindAsync(string jobId) =>
        Task.FromResult(state.State.Jobs.TryGetValue(jobId, out var gpu) ? GrainKeys.JobGrain(GrainFactory, jobId, gpu) : null);

    public Task<IReadOnlyList<string>> GpuSilosAsync() =>
        Task.FromResult<IReadOnlyList<string>>(gpuSilos.Active().Select(s => s.ToString()).ToList());

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>(state.State.Jobs.Keys.Order(StringComparer.Ordinal).ToList());
}
