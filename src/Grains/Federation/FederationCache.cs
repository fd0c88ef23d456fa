using FedOrleans.Grains.Training;
using FedOrleans.Models.Adapters.FineTuning;
using FedOrleans.Models.Data;
using FedOrleans.Models.Data.Partitioning;
using FedOrleans.Models.Llm;
using FedOrleans.Models.Llm.Tokenization;
using Microsoft.Extensions.Options;
using FedOrleans.Models.Graphs;
using FedOrleans.Models.Specs;

namespace FedOrleans.Grains.Federation;

/// <summary>
/// Builds each experiment's <see cref="ExperimentFederation"/> once per silo: the partition is a pure function of
/// the spec and its seed, so every silo computes the same shards without shipping index arrays around.
/// </summary>
public sealed class FederationCache(DatasetStore datasets, IOptions<TrainingOptions> options)
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
        if (spec.Adapter is { } adapter)
        {
            // job:<id> names a job's checkpoint folder, as for fine-tuning jobs.
            if (adapter.Base.StartsWith("job:", StringComparison.Ordinal))
            {
                var jobs = string.IsNullOrWhiteSpace(options.Value.JobsRoot) ? Path.Combine(datasets.Cache.Root, "jobs") : options.Value.JobsRoot;
                spec = spec with { Adapter = adapter with { Base = Path.GetFullPath(Path.Combine(jobs, adapter.Base["job:".Length..])) } };
            }
            if (!File.Exists(Path.Combine(spec.Adapter!.Base, "config.json")))
            {
                throw new DataFormatException(spec.Adapter.Base, "adapter.base: no checkpoint (config.json) here; give a pretrain job's checkpoint folder as the silos see it, or job:<id>");
            }
            await new DatasetFetcher(datasets.Cache).EnsureAsync(spec.Dataset);
            var current = spec;
            return await Task.Run(() =>
            {
                var task = AnswerTasks.Real(current.Adapter!.Task, datasets.Cache, CheckpointTokenizers.ForFolder(current.Adapter.Base, []), (int)(current.Seed % int.MaxValue) + 1);
                var labels = task.Train.Select(e => e.Answer).ToArray();
                return new ExperimentFederation(current, task, Partitioner.Create(current.Federation, labels, task.Choices.Count));
            });
        }
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
