using System.Collections.Concurrent;
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
    private readonly ConcurrentDictionary<DatasetName, Lazy<Task<DatasetSplits>>> _loaded = new();

    public DataCache Cache { get; } = new(string.IsNullOrWhiteSpace(options.Value.DataRoot) ? DataCache.DefaultRoot() : options.Value.DataRoot);

    public Task<DatasetSplits> GetAsync(DatasetName name)
    {
        var lazy = _loaded.GetOrAdd(name, n => new Lazy<Task<DatasetSplits>>(() => LoadAsync(n)));
        var task = lazy.Value;
        if (task.IsFaulted)
        {
            // Do not cache a failure (e.g. a fetch that failed for lack of network): the next caller retries.
            _loaded.TryRemove(new KeyValuePair<DatasetName, Lazy<Task<DatasetSplits>>>(name, lazy));
        }
        return task;
    }

    private async Task<DatasetSplits> LoadAsync(DatasetName name)
    {
        await new DatasetFetcher(Cache).EnsureAsync(name);
        var splits = await Task.Run(() => DatasetLoader.Load(name, Cache));
        logger.LogInformation("Loaded {Dataset}: {Train} train, {Test} test samples from {Cache}", name, splits.Train.Count, splits.Test.Count, Cache.Root);
        return splits;
    }
}
