using System.Collections.Concurrent;
using FedOrleans.Models.Data;
using FedOrleans.Models.Federated;
using FedOrleans.Models.Nn;
using FedOrleans.Models.Torch;
using FedOrleans.Models.Training;

namespace FedOrleans.Bench;

/// <summary>
/// Runs a set of different local fits once sequentially (the reference), then again many times on
/// more threads than cores while other threads churn the garbage collector, and counts results that
/// differ from the reference: anything but 0 means a fit depends on timing, threads or memory layout.
/// </summary>
public static class FitDeterminism
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        var data = await BenchData.MnistAsync();
        var shape = BenchData.MnistShape;
        var spec = new ModelSpec(ModelKind.Mlp, [200, 200]);
        var trainer = new SupervisedTrainer(spec, shape);
        var global = new ModelWeights(ModelFactory.InitialWeights(spec, shape, 3));
        var settings = new TrainerSettings(Epochs: 2, BatchSize: 32, LearningRate: 0.05, Momentum: 0.5);
        var random = new Random(1);
        var jobs = Enumerable.Range(0, 16).Select(i =>
        {
            int size = random.Next(50, 1500);
            int start = random.Next(0, 60_000 - size);
            return (Shard: new ClientShard(data.Train, Enumerable.Range(start, size).ToArray(), false), Instructions: new FitInstructions(1, (ulong)i, settings));
        }).ToArray();
        var reference = jobs.Select(j => trainer.Fit(global, j.Instructions, j.Shard, default).Weights.Sha256()).ToArray();

        using var stop = new CancellationTokenSource();
        var churn = Task.Run(() =>
        {
            var keep = new List<byte[]>();
            while (!stop.IsCancellationRequested)
            {
                keep.Add(new byte[random.Next(1000, 200_000)]);
                if (keep.Count > 200)
                {
                    keep.Clear();
                }
            }
        });
        var mismatches = new ConcurrentBag<int>();
        int rounds = options.Repeats;
        await Parallel.ForAsync(0, rounds * jobs.Length, new ParallelOptions { MaxDegreeOfParallelism = 2 * Environment.ProcessorCount }, (k, ct) =>
        {
            var j = jobs[k % jobs.Length];
            if (trainer.Fit(global, j.Instructions, j.Shard, ct).Weights.Sha256() != reference[k % jobs.Length])
            {
                mismatches.Add(k % jobs.Length);
            }
            return ValueTask.CompletedTask;
        });
        await stop.CancelAsync();
        await churn;
        options.Emit($"fit determinism: {rounds * jobs.Length} fits of {jobs.Length} different shards on {2 * Environment.ProcessorCount} threads with GC churn: " +
            $"{mismatches.Count} differed from the sequential reference{(mismatches.IsEmpty ? "" : " (jobs " + string.Join(",", mismatches.Distinct().Order()) + ")")}");
        return mismatches.IsEmpty ? 0 : 1;
    }
}
