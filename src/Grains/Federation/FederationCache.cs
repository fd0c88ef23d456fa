using FedOrleans.Models.Data.Partitioning;
using FedOrleans.Models.Graphs;
using FedOrleans.Models.Specs;

namespace FedOrleans.Grains.Federation;

/// <summary>
/// Builds each experiment's <see cref="ExperimentFederation"/> once per silo: the partition is a pure function of
/// the spec and its seed, so every silo computes the same shards without shipping index arrays around.
/// </summary>
public sealed class FederationCache(DatasetStore datasets)
{
    private readonly AsyncCache<string, ExperimentFederation> _federations = new();

    /// <param name="experimentId">The experiment.</param>
    /// <param name="loadSpec">Where to get the spec on a miss (client grains ask the experiment grain).</param>
    public Task<ExperimentFederation> GetAsync(string experimentId, Func<Task<ExperimentSpec>> loadSpec) =>
        _federations.GetAsync(experimentId, _ => BuildAsync(loadSpec));

    /// <summary>Drops a finished experiment's federation (its partition; the datasets stay loaded for others).</summary>
    public void Forget(string experimentId) => _federations.Remove(experimentId);

    private async Task<ExperimentFederation> BuildAsync(Func<Task<ExperimentSpec>> loadSpec)
    {
        var spec = await loadSpec();
        if (spec.GraphExperiment is { } graphExperiment)
        {
            var graph = await datasets.GetGraphAsync(graphExperiment.Data);
            return new ExperimentFederation(spec, await Task.Run(() => GraphSimulation.Federate(graphExperiment, graph)));
        }
        var source = await datasets.GetAsync(spec.Dataset);
        var target = spec.Adaptation is { } a ? await datasets.GetAsync(a.Target) : null;
        var layout = await Task.Run(() => FederationLayout.Create(spec, source.Train.Labels, target?.Train.Labels, source.Train.NumClasses));
        return new ExperimentFederation(spec, source, target, layout);
    }
}
