using FedOrleans.Models.Federated;
using FedOrleans.Models.Nn;
using FedOrleans.Models.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FedOrleans.Models.Tests;

public sealed class MinimaxTests
{
    private static float[] Values(Tensor t) => t.data<float>().ToArray();

    [Fact]
    public void Gradient_reversal_is_identity_forward_and_minus_lambda_backward()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new float[] { 1f, -2f, 3f }).requires_grad_(true);
        var y = GradientReversal.Apply(x, 0.5);
        Assert.Equal(new[] { 1f, -2f, 3f }, Values(y));
        (y * tensor(new float[] { 2f, 4f, 6f })).sum().backward();
        Assert.Equal(new[] { -1f, -2f, -3f }, Values(x.grad!));
    }

    [Fact]
    public void Local_steps_follow_each_rule_on_hand_computed_values()
    {
        using var scope = NewDisposeScope();
        using var negLr = (-0.1).ToScalar();
        using var mu = 2.0.ToScalar();
        var anchor = tensor(new float[] { 1f, 1f });
        var g = tensor(new float[] { 0.5f, -1f });
        var dual = tensor(new float[] { 0.2f, 0.4f });
        Tensor W() => tensor(new float[] { 2f, 0f });

        var gda = W();
        MinimaxTrainer.Step(gda, g, anchor, null, negLr, mu, MinimaxRule.Gda);
        Assert.Equal(new[] { 1.95f, 0.1f }, Values(gda), new Tolerance());      // w - 0.1 g

        var prox = W();
        MinimaxTrainer.Step(prox, g, anchor, null, negLr, mu, MinimaxRule.ProxGda);
        Assert.Equal(new[] { 1.75f, 0.3f }, Values(prox), new Tolerance());     // w - 0.1 (g + 2 (w - w0)) = [2 - 0.1*2.5, 0 - 0.1*(-3)]

        var fedmm = W();
        MinimaxTrainer.Step(fedmm, g, anchor, dual, negLr, mu, MinimaxRule.FedMM);
        Assert.Equal(new[] { 1.73f, 0.26f }, Values(fedmm), new Tolerance());   // ... and - 0.1 lambda

        // End of round: lambda += 2 (w - w0) = [0.2 + 1.46, 0.4 - 1.48]; upload w + lambda / (2 * 1.05^(250/100)).
        var settings = new MinimaxSettings(MinimaxRule.FedMM, Mu: 2.0, DualDecay: 1.05, DecayEvery: 100);
        double factor = settings.UploadFactor(250);
        Assert.Equal(1.0 / (2.0 * Math.Pow(1.05, 2.5)), factor, 12);
        using var f = factor.ToScalar();
        MinimaxTrainer.FinishRound(fedmm, anchor, dual, mu, f);
        Assert.Equal(new[] { 1.66f, -1.08f }, Values(dual), new Tolerance());
        Assert.Equal(new[] { (float)(1.73 + 1.66 * factor), (float)(0.26 - 1.08 * factor) }, Values(fedmm), new Tolerance());
    }

    private sealed class Tolerance : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) < 1e-5;

        public int GetHashCode(float obj) => 0;
    }
}

public sealed class MinimaxTrainerTests
{
    [Theory]
    [InlineData(Nn.AdversarialLoss.Dann)]
    [InlineData(Nn.AdversarialLoss.Cdan)]
    [InlineData(Nn.AdversarialLoss.Mdd)]
    public async Task Every_adversarial_loss_trains_source_and_target_clients_and_FedMM_keeps_duals(Nn.AdversarialLoss loss)
    {
        var mnist = await TestData.LoadAsync(Data.DatasetName.Mnist);
        var mnistM = await TestData.LoadAsync(Data.DatasetName.MnistM);
        var spec = new Nn.ModelSpec(Nn.ModelKind.Cnn, [], loss);
        var shape = new Nn.InputShape(3, 28, 28, 10);
        var trainer = new MinimaxTrainer(spec, shape);
        var global = new Federated.ModelWeights(Nn.ModelFactory.InitialWeights(spec, shape, 1));
        var settings = new TrainerSettings(BatchSize: 8, LearningRate: 0.01, LocalSteps: 3);
        var instructions = new FitInstructions(1, 2, settings, new MinimaxSettings(MinimaxRule.FedMM, Mu: 2.0));
        var source = trainer.Fit(global, instructions, new ClientShard(mnist.Train, Enumerable.Range(0, 40).ToArray(), false), default);
        var target = trainer.Fit(global, instructions, new ClientShard(mnistM.Train, Enumerable.Range(0, 40).ToArray(), true), default);
        foreach (var outcome in new[] { source, target })
        {
            Assert.True(double.IsFinite(outcome.TrainLoss));
            Assert.NotEqual(global.Sha256(), outcome.Weights.Sha256());
            Assert.Equal(global.Length, outcome.PrivateState!.Length);
            Assert.Contains(outcome.PrivateState, v => v != 0);
        }
        // The next round starts from the persisted duals; FedAvg-GDA keeps none.
        var again = trainer.Fit(global, instructions with { Round = 2 }, new ClientShard(mnist.Train, Enumerable.Range(0, 40).ToArray(), false, source.PrivateState), default);
        Assert.NotEqual(source.Weights.Sha256(), again.Weights.Sha256());
        var gda = trainer.Fit(global, instructions with { Minimax = new MinimaxSettings(MinimaxRule.Gda) }, new ClientShard(mnist.Train, Enumerable.Range(0, 40).ToArray(), false), default);
        Assert.Null(gda.PrivateState);
    }
}
