using FedOrleans.Models.Data;
using FedOrleans.Models.Federated;
using FedOrleans.Models.Nn;
using FedOrleans.Models.Torch;

namespace FedOrleans.Models.Training.Cohorts;

/// <summary>
/// A two-client cohort fit of a logistic model and of a small MLP on a few synthetic 28x28 images, run once when a CPU
/// silo starts (beside Orleans' own start), so that the first round of the silo's first experiment does not pay what
/// every process pays once: the JIT's stubs for TorchSharp's native calls, libtorch's first use of each operator and of
/// autograd, the trainer's own code. B1's first round spent ~34 ms in its first cohort fit (docs/benchmarks.md). It
/// touches no experiment's state and no random stream an experiment uses (its clients' generators are its own).
/// It also averages the fits (a FedAvg round's sampling and aggregation) and evaluates the logistic model on the same
/// images: B1's first round spent ~8 ms in its first average, and its first evaluation took 17 ms against 4-5 ms later.
/// </summary>
public static class CohortWarmUp
{
    private const int Samples = 20;

    public static void Run(CancellationToken ct = default)
    {
        TorchRuntime.EnsureThreadConfigured();
        var shape = new InputShape(1, 28, 28, 10);
        var pixels = new byte[Samples * 28 * 28];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)(i * 31 % 251);
        }
        var data = new Dataset("warm-up", pixels, 1f / 255, [.. Enumerable.Range(0, Samples).Select(i => i % 10)], 1, 28, 28, 10);
        var settings = new TrainerSettings(Epochs: 1, BatchSize: 4, LearningRate: 0.01, Momentum: 0.5);
        foreach (var model in new[] { ModelSpec.Logistic, new ModelSpec(ModelKind.Mlp, [16]) })
        {
            var global = new ModelWeights(ModelFactory.InitialWeights(model, shape, seed: 1));
            var members = Enumerable.Range(0, 2).Select(c => new CohortMember(global, new FitInstructions(1, (ulong)c + 1, settings),
                new ClientShard(data, [.. Enumerable.Range(c * Samples / 2, Samples / 2)], Unlabelled: false))).ToList();
            var outcomes = new CohortSupervisedTrainer(model, shape).Fit(members, ct);
            var strategy = StrategyFactory.Create(new StrategySpec(MinFitClients: 2, MinResults: 2), settings);
            var round = new RoundContext(1, 1);
            var state = new StrategyState(global, [], 0);
            _ = strategy.ConfigureFit(round, state, [new ClientId(0), new ClientId(1)]);
            var average = strategy.AggregateFit(round, state,
                outcomes.Select((o, c) => new ClientUpdate(new ClientId(c), o.Weights, o.NumSamples, o.TrainLoss)).ToList(), []);
            if (model.Kind == ModelKind.Logistic)
            {
                _ = ModelEvaluator.EvaluatePart(model, shape, average.State.Global, data, 0, 1, ct);
            }
        }
    }
}
