using FedOrleans.Models.Data;
using FedOrleans.Models.Nn;
using FedOrleans.Models.Torch;

namespace FedOrleans.Bench;

/// <summary>What the Models-level benchmarks start from: one torch thread and MNIST from the default cache.</summary>
public static class BenchData
{
    public static InputShape MnistShape { get; } = new(1, 28, 28, 10);

    /// <summary>Configures torch for one thread a fit, fetches MNIST if needed and loads it.</summary>
    public static async Task<DatasetSplits> MnistAsync()
    {
        TorchRuntime.Configure(1);
        var cache = DataCache.Default;
        await new DatasetFetcher(cache).EnsureAsync(DatasetName.Mnist);
        return DatasetLoader.Load(DatasetName.Mnist, cache);
    }
}
