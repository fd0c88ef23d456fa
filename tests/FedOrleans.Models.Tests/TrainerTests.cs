using FedOrleans.Models.Data;
using FedOrleans.Models.Federated;
using FedOrleans.Models.Nn;
using FedOrleans.Models.Torch;
using FedOrleans.Models.Training;

namespace FedOrleans.Models.Tests;

public sealed class TrainerTests
{
    [Fact]
    public async Task Local_training_is_deterministic_per_seed_and_improves_the_model()
    {
        TorchRuntime.Configure(1);
        var mnist = await TestData.LoadAsync(DatasetName.Mnist);
        var shape = new InputShape(1, 28, 28, 10);
        var spec = new ModelSpec(ModelKind.Mlp, [32]);
        var trainer = new SupervisedTrainer(spec, shape);
        var shard = new ClientShard(mnist.Train, Enumerable.Range(0, 2000).ToArray(), false);
        var global = new ModelWeights(ModelFactory.InitialWeights(spec, shape, 1));
        var settings = new TrainerSettings(Epochs: 1, BatchSize: 32, LearningRate: 0.1);
        var a = trainer.Fit(global, new FitInstructions(1, 77, settings), shard, default);
        var b = trainer.Fit(global, new FitInstructions(1, 77, settings), shard, default);
        var c = trainer.Fit(global, new FitInstructions(1, 78, settings), shard, default);
        Assert.Equal(a.Weights.Sha256(), b.Weights.Sha256());
        Assert.NotEqual(a.Weights.Sha256(), c.Weights.Sha256());
        Assert.Equal(2000, a.NumSamples);
        var before = ModelEvaluator.Evaluate(spec, shape, global, mnist.Test);
        var after = ModelEvaluator.Evaluate(spec, shape, a.Weights, mnist.Test);
        Assert.True(after.Loss < before.Loss - 0.5 && after.Accuracy > before.Accuracy + 0.3, $"before {before}, after {after}");
        var unlabelled = trainer.Fit(global, new FitInstructions(1, 77, settings), shard with { Unlabelled = true }, default);
        Assert.Equal(0, unlabelled.NumSamples);
    }

    /// <summary>An evaluation shared by several threads (as a CPU silo's gate slots share it) equals the one-thread evaluation exactly.</summary>
    [Fact]
    public async Task An_evaluation_split_into_parts_on_several_threads_equals_the_whole()
    {
        TorchRuntime.Configure(1);
        var mnist = await TestData.LoadAsync(DatasetName.Mnist);
        var shape = new InputShape(1, 28, 28, 10);
        var spec = new ModelSpec(ModelKind.Mlp, [32]);
        var weights = new ModelWeights(ModelFactory.InitialWeights(spec, shape, 5));
        var whole = ModelEvaluator.Evaluate(spec, shape, weights, mnist.Test, limit: 4321);
        Assert.Equal(4321, whole.Count);
        foreach (int parts in new[] { 2, 3, 7 })
        {
            var split = await Task.WhenAll(Enumerable.Range(0, parts).Select(part =>
                Task.Run(() => ModelEvaluator.EvaluatePart(spec, shape, weights, mnist.Test, part, parts, limit: 4321))));
            Assert.Equal(whole, ModelEvaluator.Combine(split));
        }
    }
}
