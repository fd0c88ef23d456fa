using FedOrleans.Models.Federated;
using FedOrleans.Models.Specs;

namespace FedOrleans.Grains.Federation;

/// <summary>An experiment as a silo holds it: its spec and its workload (data split over the clients, trainer, evaluation).</summary>
public sealed record LoadedExperiment(ExperimentSpec Spec, IFederatedWorkload Workload);

/// <summary>
/// Builds each experiment's workload once per silo: the split of the data over the clients is a pure function of the
/// spec and its seed, so every silo computes the same shards without shipping index arrays around.
/// </summary>
public sealed class WorkloadCache(DatasetStore datasets)
{
    private readonly AsyncCache<string, LoadedExperiment> _experiments = new();

    /// <param name="experimentId">The experiment.</param>
    /// <param name="loadSpec">Where to get the spec on a miss (client grains ask the experiment grain).</param>
    public Task<LoadedExperiment> GetAsync(string experimentId, Func<Task<ExperimentSpec>> loadSpec) =>
        _experiments.GetAsync(experimentId, async _ =>
        {
            var spec = await loadSpec();
            return new LoadedExperiment(spec, await spec.CreateWorkloadAsync(datasets));
        });

    /// <summary>Drops a finished experiment's workload (its split; the datasets stay loaded for others).</summary>
    public void Forget(string experimentId) => _experiments.Remove(experimentId);
}
