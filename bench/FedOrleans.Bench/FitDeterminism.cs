using System.Collections.Concurrent;
using FedOrleans.Models.Data;
using FedOrleans.Models.Federated;
using FedOrleans.Models.Nn;
using FedOrleans.Models.Torch;
using FedOrleans.Models.Training;

namespace FedOrleans.Bench;

/// <summary>
/// Repeats one local fit many times on several threads at once and counts distinct result hashes:
/// anything but 1 means a fit's result depends on timing, threads or memory layout.
/// </summary>
public static class FitDeterminism
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        TorchRuntime.Configure(1);
        var cache = DataCache.Default;
        await new DatasetFetcher(cache).EnsureAsync(DatasetName.Mnist);
        var data = DatasetLoader.Load(DatasetName.Mnist, cache);
        var shape = new InputShape(1, 28, 28, 10);
        var spec = new ModelSpec(ModelKind.Mlp, [200, 200]);
        var trainer = new SupervisedTrainer(spec, shape);
        var global = new ModelWeights(ModelFactory.InitialWeights(spec, shape, 3));
        var shard = new ClientShard(data.Train, Enumerable.Range(0, 600).ToArray(), false);
        var instructions = new FitInstructions(1, 99, new TrainerSettings(Epochs: 2, BatchSize: 32, LearningRate: 0.05, Momentum: 0.5));
        var hashes = new ConcurrentBag<string>();
        int fits = options.Repeats * 20;
        await Parallel.ForAsync(0, fits, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, (_, ct) =>
        {
            hashes.Add(trainer.Fit(global, instructions, shard, ct).Weights.Sha256());
            return ValueTask.CompletedTask;
        });
        var distinct = hashes.GroupBy(h => h).Select(g => $"{g.Key[..12]} x{g.Count()}").ToList();
        options.Emit($"fit determinism: {fits} identical fits on {Environment.ProcessorCount} threads gave {distinct.Count} distinct results: {string.Join(", ", distinct)}");
        return distinct.Count == 1 ? 0 : 1;
    }
}
