using FedOrleans.Models.Federated;
using FedOrleans.Models.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FedOrleans.Models.Tests;

public sealed class LocalOptimizerTests
{
    private static (TorchSharp.Modules.Parameter P, LocalOptimizer Optimizer) Make(float[] start, TrainerSettings settings)
    {
        var p = new TorchSharp.Modules.Parameter(tensor(start));
        return (p, new LocalOptimizer([p], settings));
    }

    private static void Step(TorchSharp.Modules.Parameter p, LocalOptimizer optimizer, float[] gradient)
    {
        // loss = sum(g * p) has gradient g with respect to p.
        optimizer.ZeroGrad();
        using var g = tensor(gradient);
        (p * g).sum().backward();
        optimizer.Step();
    }

    [Fact]
    public void Sgd_with_momentum_and_weight_decay_matches_pytorch_semantics()
    {
        var (p, optimizer) = Make([1f, -2f], new TrainerSettings(LearningRate: 0.1, Momentum: 0.9, WeightDecay: 0.5));
        using (optimizer)
        {
            // step 1: d = g + 0.5 p = [3 + 0.5, 1 - 1] = [3.5, 0]; buf = d; p = [1 - 0.35, -2] = [0.65, -2]
            Step(p, optimizer, [3f, 1f]);
            Assert.Equal(new[] { 0.65f, -2f }, p.data<float>().ToArray(), new FloatTolerance(1e-6f));
            // step 2: d = [3 + 0.325, 1 - 1] = [3.325, 0]; buf = 0.9 [3.5, 0] + d = [6.475, 0]; p = [0.65 - 0.6475, -2]
            Step(p, optimizer, [3f, 1f]);
            Assert.Equal(new[] { 0.0025f, -2f }, p.data<float>().ToArray(), new FloatTolerance(1e-5f));
        }
    }

    [Fact]
    public void Adam_first_step_moves_each_weight_by_the_learning_rate_against_the_gradient_sign()
    {
        var (p, optimizer) = Make([1f, 1f, 1f], new TrainerSettings(LearningRate: 0.01, Optimizer: OptimizerKind.Adam));
        using (optimizer)
        {
            // Bias-corrected m = g, v = g^2, so the step is lr * g / (|g| + eps).
            Step(p, optimizer, [4f, -0.5f, 1e-3f]);
            Assert.Equal(new[] { 0.99f, 1.01f, 0.99f }, p.data<float>().ToArray(), new FloatTolerance(1e-5f));
            // Second step with the same gradient: m and v stay g and g^2 after correction, same step again.
            Step(p, optimizer, [4f, -0.5f, 1e-3f]);
            Assert.Equal(new[] { 0.98f, 1.02f, 0.98f }, p.data<float>().ToArray(), new FloatTolerance(1e-4f));
        }
    }

    [Fact]
    public void AdamW_decays_weights_decoupled_from_the_gradient_and_follows_a_changed_learning_rate()
    {
        var (p, optimizer) = Make([1f, -2f], new TrainerSettings(LearningRate: 0.1, Optimizer: OptimizerKind.AdamW, WeightDecay: 0.5));
        using (optimizer)
        {
            // p *= 1 - 0.1 * 0.5, then the first Adam step moves by lr against the gradient's sign.
            Step(p, optimizer, [4f, -0.5f]);
            Assert.Equal(new[] { 0.85f, -1.8f }, p.data<float>().ToArray(), new FloatTolerance(1e-5f));
            optimizer.LearningRate = 0.01;
            Step(p, optimizer, [4f, -0.5f]);
            Assert.Equal(new[] { 0.85f * 0.995f - 0.01f, -1.8f * 0.995f + 0.01f }, p.data<float>().ToArray(), new FloatTolerance(1e-5f));
        }
    }

    [Fact]
    public void Clipping_scales_all_gradients_to_the_maximum_total_norm()
    {
        var a = new TorchSharp.Modules.Parameter(tensor(new float[] { 1f, 1f }));
        var b = new TorchSharp.Modules.Parameter(tensor(new float[] { 1f }));
        using var ga = tensor(new float[] { 3f, 0f });
        using var gb = tensor(new float[] { 4f });
        ((a * ga).sum() + (b * gb).sum()).backward();
        double norm = GradientClipping.ClipByTotalNorm([a, b], 1.0);
        Assert.Equal(5.0, norm, 6);
        Assert.Equal(new[] { 0.6f, 0f }, a.grad!.data<float>().ToArray(), new FloatTolerance(1e-5f));
        Assert.Equal(new[] { 0.8f }, b.grad!.data<float>().ToArray(), new FloatTolerance(1e-5f));
    }

    [Fact]
    public void Cosine_schedule_warms_up_then_decays_to_the_minimum()
    {
        var schedule = new CosineSchedule(1.0, TotalSteps: 12, WarmupSteps: 2, MinLearningRate: 0.1);
        Assert.Equal(0.5, schedule.At(0), 12);
        Assert.Equal(1.0, schedule.At(1), 12);
        Assert.Equal(1.0, schedule.At(2), 12);
        Assert.Equal(0.55, schedule.At(7), 12);
        Assert.Equal(0.1, schedule.At(12), 12);
        Assert.Equal(0.1, schedule.At(50), 12);
    }

    [Fact]
    public void Optimizer_steps_survive_garbage_collector_pressure()
    {
        // TorchSharp's own optimizers lose implicitly created scalars to the finalizer under GC pressure
        // (garbage learning rates or an abort); these steps, with collections forced in between, stay exact.
        var (p, optimizer) = Make([0f], new TrainerSettings(LearningRate: 0.5, Momentum: 0.5));
        using (optimizer)
        {
            for (int i = 0; i < 200; i++)
            {
                Step(p, optimizer, [1f]);
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
            // buf_t = 1 + 0.5 buf_{t-1} -> 2 - 2^(1-t); p = -0.5 sum_t buf_t = -0.5 (2*200 - (2 - 2^-199)) = -199
            Assert.Equal(-199f, p.data<float>()[0], 3);
        }
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
