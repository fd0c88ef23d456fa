using FedOrleans.Grains.Training;
using FedOrleans.Models.Data;
using FedOrleans.Models.Graphs;
using FedOrleans.Models.Jobs;
using FedOrleans.Models.Specs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FedOrleans.Grains.Federation;

/// <summary>
/// Datasets loaded once per silo and shared read-only by every grain; fetched into the cache first
/// when missing. Shards are index arrays into these. Workloads read their data through it (<see cref="IWorkloadData"/>).
/// </summary>
public sealed class DatasetStore(IOptions<TrainingOptions> options, ILogger<DatasetStore> logger) : IWorkloadData
{
    private readonly AsyncCache<DatasetName, DatasetSplits> _loaded = new();

    public DataCache Cache { get; } = new(string.IsNullOrWhiteSpace(options.Value.DataRoot) ? DataCache.DefaultRoot() : options.Value.DataRoot);

    private readonly AsyncCache<GraphDataSpec, Graph> _graphs = new();

    /// <summary>Where jobs keep their checkpoints: <c>--jobs</c>, else <c>jobs</c> in the data cache.</summary>
    public string JobsRoot => string.IsNullOrWhiteSpace(options.Value.JobsRoot) ? Path.Combine(Cache.Root, "jobs") : options.Value.JobsRoot;

    public Task<DatasetSplits> GetAsync(DatasetName name) => _loaded.GetAsync(name, LoadAsync);

    public Task EnsureAsync(DatasetName name) => new DatasetFetcher(Cache).EnsureAsync(name);

    public string ResolveCheckpoint(string reference) => JobCheckpoints.Resolve(reference, JobsRoot);

    public TorchSharp.torch.Device Device { get; } = options.Value.TorchDevice;

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
        DatasetSplits splits;
        try
        {
            splits = await Task.Run(() => DatasetLoader.Load(name, Cache));
        }
        catch (DataFormatException e)
        {
            // A fetched file that is truncated or changed: fetching it again is the fix (the message travels to the console).
            throw new DataFormatException(e.FilePath, $"{e.Problem} (fetch it again with `fedorleans data fetch {DatasetCatalog.Get(name).Key} --force`)");
        }
        logger.LogInformation("Loaded {Dataset}: {Train} train, {Test} test samples from {Cache}", name, splits.Train.Count, splits.Test.Count, Cache.Root);
        return splits;
    }
}
