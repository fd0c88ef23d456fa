using FedOrleans.Grains.Training;
using FedOrleans.Models.Data;
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

    public Task<DatasetSplits> GetAsync(DatasetName name) => _loaded.GetAsync(name, LoadAsync);

    private async Task<DatasetSplits> LoadAsync(DatasetName name)
    {
        await new DatasetFetcher(Cache).EnsureAsync(name);
        var splits = await Task.Run(() => DatasetLoader.Load(name, Cache));
        logger.LogInformation("Loaded {Dataset}: {Train} train, {Test} test samples from {Cache}", name, splits.Train.Count, splits.Test.Count, Cache.Root);
        return splits;
    }
}
