using System.Diagnostics;
using System.Globalization;
using System.Text;
using FedOrleans.Models.Data;
using FedOrleans.Models.Federated;
using FedOrleans.Models.Nn;
using FedOrleans.Models.Torch;
using FedOrleans.Models.Training;
using FedOrleans.Models.Training.Cohorts;

namespace FedOrleans.Bench;

/// <summary>
/// The same K local fits, one at a time (<see cref="SupervisedTrainer"/>, <see cref="MinimaxTrainer"/>) and as one
/// cohort (<see cref="CohortSupervisedTrainer"/>, <see cref="CohortMinimaxTrainer"/>), on one thread, alternated, for the
/// image models: the Models-level speed-up of cohort training without Orleans around it. <c>--sizes</c> gives the cohort
/// sizes K, <c>--models</c> (logistic, mlp, cnn, fedmm: FedMM's CNN with a DANN discriminator) which models.
/// </summary>
public static class CohortFits
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        var data = await BenchData.MnistAsync();
        var shape = BenchData.MnistShape;
        var report = new StringBuilder("| model | settings | K | samples/client | one at a time (ms) | cohort (ms) | speed-up |\n| --- | --- | --- | --- | --- | --- | --- |\n");
        var fedmm = new MinimaxSettings(MinimaxRule.FedMM);
        var cases = new (string Name, ModelSpec Model, TrainerSettings Settings, int Samples, MinimaxSettings? Minimax)[]
        {
            ("logistic", ModelSpec.Logistic, new TrainerSettings(Epochs: 1, BatchSize: 10, LearningRate: 0.03), 60, null),
            ("mlp", new ModelSpec(ModelKind.Mlp, [200, 200]), new TrainerSettings(Epochs: 2, BatchSize: 32, LearningRate: 0.05, Momentum: 0.5), 600, null),
            ("cnn", new ModelSpec(ModelKind.Cnn, []), new TrainerSettings(Epochs: 1, BatchSize: 32, LearningRate: 0.01, Momentum: 0.9), 300, null),
            ("fedmm", new ModelSpec(ModelKind.Cnn, [], AdversarialLoss.Dann), new TrainerSettings(BatchSize: 32, LearningRate: 0.01, LocalSteps: 10), 300, fedmm),
        };
        foreach (var (name, model, settings, samples, minimax) in cases.Where(c => options.Models is null || options.Models.Contains(c.Name, StringComparer.OrdinalIgnoreCase)))
        {
            ILocalTrainer single = minimax is null ? new SupervisedTrainer(model, shape) : new MinimaxTrainer(model, shape);
            ICohortTrainer cohort = minimax is null ? new CohortSupervisedTrainer(model, shape) : new CohortMinimaxTrainer(model, shape);
            var global = new ModelWeights(ModelFactory.InitialWeights(model, shape, 1));
            foreach (int k in options.Sizes)
            {
                var members = Enumerable.Range(0, k).Select(c => new CohortMember(global, new FitInstructions(1, (ulong)c, settings, minimax),
                    new ClientShard(data.Train, Enumerable.Range(c * samples % (60_000 - samples), samples).ToArray(), false))).ToList();
                single.Fit(global, members[0].Instructions, members[0].Shard, default);
                cohort.Fit(members.Take(Math.Min(k, 2)).ToList(), default);
                var oneAtATime = new List<double>();
                var together = new List<double>();
                for (int r = 0; r < options.Repeats; r++)
                {
                    var watch = Stopwatch.StartNew();
                    foreach (var m in members)
                    {
                        single.Fit(m.Global, m.Instructions, m.Shard, default);
                    }
                    oneAtATime.Add(watch.Elapsed.TotalMilliseconds);
                    watch.Restart();
                    cohort.Fit(members, default);
                    together.Add(watch.Elapsed.TotalMilliseconds);
                }
                double a = oneAtATime.Min(), b = together.Min();
                oneAtATime.Sort();
                together.Sort();
                report.Append(CultureInfo.InvariantCulture, $"| {model} | {(minimax is null ? settings.Optimizer.ToString().ToLowerInvariant() : "fedmm")} lr {settings.LearningRate} batch {settings.BatchSize} x {(settings.LocalSteps > 0 ? $"{settings.LocalSteps} steps" : $"{settings.Epochs} ep")} | {k} | {samples} | {a:F0} | {b:F0} | {a / b:F2}x |\n");
                Console.Error.WriteLine($"{model} K={k}: {a:F2} ms one at a time, {b:F2} ms as a cohort (fastest; medians {oneAtATime[oneAtATime.Count / 2]:F2} and {together[together.Count / 2]:F2} ms)");
            }
        }
        options.Emit(report.ToString());
        return 0;
    }
}
