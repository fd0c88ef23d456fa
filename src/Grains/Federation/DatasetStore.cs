using FedOrleans.Grains.Training;
using FedOrleans.Models.Data;
using FedOrleans.Models.Graphs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FedOrleans.Grains.Federation;

/// <summary>
/// Datasets loaded once per silo and shared read-only by every grain; fetched into the cache first
/// when missing. Shards are index arrays into these.
/// </summary>
public sealed class DatasetStore(IOptions<TrainingOptions> options, ILogger<DatasetStore> logger)
{
    private readonly AsyncCache<DatasetName, DatasetSplits> _loaded = new();

    public DataCache Cache { get; } = new(string.IsNullOrWhiteSpace(options.Value.DataRoot) ? DataCache.DefaultRoot() : options.Value.DataRoot);

    private readonly AsyncCache<GraphDataSpec, Graph> _graphs = new();

    public Task<DatasetSplits> GetAsync(DatasetName name) => _loaded.GetAsync(name, LoadAsync);

    /// <summary>A graph with its features and split, loaded once per silo (graph-tool's collection fetched first when missing).</summary>
    public Task<Graph> GetGraphAsync(GraphDataSpec spec) => _graphs.GetAsync(spec, LoadGraphAsync);

    private async Task<Graph> LoadGraphAsync(GraphDataSpec spec)
    {
        if (spec.FromGraphTool)
        {
            await new DatasetFetcher(Cache).EnsureAsync(DatasetName.GraphTool);
        }
        var graph = await Task.Run(() => GraphDatasets.Load(spec, Cache));
        logger.LogInformation("Loaded graph {Graph}: {Nodes} nodes, {Edges} edges, {Features} features, {Classes} classes", graph.Name, graph.NodeCount, graph.EdgeCount, graph.FeatureCount, graph.NumClasses);
        return graph;
    }

    private async Task<DatasetSplits> LoadAsync(DatasetName name)
    {
        await new DatasetFetcher(Cache).EnsureAsync(name);
        var splits = await Task.Run(() => DatasetLoader.Load(name, Cache));
        logger.LogInformation("Loaded {Dataset}: {Train} train, {Test} test samples from {Cache}", name, splits.Train.Count, splits.Test.Count, Cache.Root);
        return splits;
    }
}
