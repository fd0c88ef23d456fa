using System.Text.Json;
using FedOrleans.Models.Adapters;
using FedOrleans.Models.Torch;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FedOrleans.Models.Tests;

/// <summary>
/// <see cref="SmoreAdapter"/> against the official SMoREFFN layer (shared/data/smore): outputs, balance losses,
/// router inputs, selections, scores, selected keys, load and importance, in evaluation mode, in training mode (the
/// noisy gate with the official noise draws injected) and without a mask.
/// </summary>
public sealed class SmoreFixtureTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-5;

    private const string Readme = "data/smore/README.md";

    public static TheoryData<string> Configurations => new(SmoreFixture.Names);

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Evaluation_mode_matches_the_official_layer(string name)
    {
        TorchRuntime.EnsureThreadConfigured();
        using var scope = NewDisposeScope();
        using var fixture = SmoreFixture.Load(name);
        using var adapter = fixture.CreateAdapter();
        adapter.eval();
        using var noGrad = no_grad();
        var (x, mask, yBase) = Inputs(fixture);
        var result = adapter.Run(x, mask);
        double dy = CheckMode(fixture, fixture.Root.GetProperty("eval"), result, yBase);
        output.WriteLine($"{name} eval: max |dy| = {dy:E2}");

        var unmasked = adapter.Run(x, null);
        CheckLoss(fixture.Root.GetProperty("balance_loss_eval_without_mask"), unmasked.AuxiliaryLoss, $"{name} eval without mask");
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Training_mode_matches_the_official_layer(string name)
    {
        TorchRuntime.EnsureThreadConfigured();
        using var scope = NewDisposeScope();
        using var fixture = SmoreFixture.Load(name);
        using var adapter = fixture.CreateAdapter();
        adapter.train();
        var train = fixture.Root.GetProperty("train");
        if (fixture.Settings.Gate == GateKind.NoisyTopK)
        {
            adapter.NoiseOverride = (layer, shape) =>
                SmoreFixture.FloatTensor(fixture.Gate(train, layer).GetProperty("noise_standard_normal")).reshape(shape);
        }
        using var noGrad = no_grad();
        var (x, mask, yBase) = Inputs(fixture);
        var result = adapter.Run(x, mask);
        if (train.TryGetProperty("same_as_eval", out var same) && same.GetBoolean())
        {
            var expected = SmoreFixture.FloatTensor(fixture.Root.GetProperty("eval").GetProperty("y"));
            double dy = MaxAbs(yBase.add(result.Delta, alpha: TorchScalars.One), expected);
            Assert.True(dy <= Tolerance, $"{name} train: max |dy| = {dy}");
            CheckLoss(train.GetProperty("balance_loss"), result.AuxiliaryLoss, $"{name} train");
            output.WriteLine($"{name} train: max |dy| = {dy:E2}");
        }
        else
        {
            double dy = CheckMode(fixture, train, result, yBase);
            output.WriteLine($"{name} train (injected noise): max |dy| = {dy:E2}");
            var unmasked = adapter.Run(x, null);
            CheckLoss(fixture.Root.GetProperty("balance_loss_train_without_mask"), unmasked.AuxiliaryLoss, $"{name} train without mask");
        }
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Parameter_count_matches_the_official_count(string name)
    {
        using var fixture = SmoreFixture.Load(name);
        using var adapter = new SmoreAdapter(fixture.InFeatures, fixture.OutFeatures, fixture.Settings, seed: 3);
        long official = fixture.Root.GetProperty("param_count").GetProperty("official_param_stats_trainable_param").GetInt64();
        Assert.Equal(official, adapter.ParameterCount());
        Assert.Equal(official, fixture.Settings.ParameterCount(fixture.InFeatures, fixture.OutFeatures));
    }

    [Fact]
    public void W_final_zero_fixture_output_is_the_base_output()
    {
        TorchRuntime.EnsureThreadConfigured();
        using var scope = NewDisposeScope();
        using var fixture = SmoreFixture.Load("e_w_final_zero");
        using var adapter = fixture.CreateAdapter();
        adapter.eval();
        using var noGrad = no_grad();
        var (x, mask, yBase) = Inputs(fixture);
        var y = yBase.add(adapter.Run(x, mask).Delta, alpha: TorchScalars.One);
        Assert.True(y.eq(yBase).all().item<bool>());
    }

    [Theory]
    [InlineData("f_eq_1_layer")]
    [InlineData("f_eq_1_layer_s4")]
    public void Eq_1_layer_fixture_with_overridden_W_final_matches(string name)
    {
        TorchRuntime.EnsureThreadConfigured();
        using var scope = NewDisposeScope();
        using var fixture = SmoreFixture.Load(name);
        using var adapter = fixture.CreateAdapter();
        adapter.eval();
        var overrideSection = fixture.Root.GetProperty("w_final_override");
        using var noGrad = no_grad();
        var parameters = adapter.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        parameters["W_final"].copy_(SmoreFixture.FloatTensor(overrideSection.GetProperty("W_final_override")));
        var (x, mask, yBase) = Inputs(fixture);
        var result = adapter.Run(x, mask);
        double dy = CheckMode(fixture, overrideSection.GetProperty("eval"), result, yBase);
        var equivalent = overrideSection.GetProperty("equivalent_1layer_moe").GetProperty("y");
        double d1 = MaxAbs(yBase.add(result.Delta, alpha: TorchScalars.One), SmoreFixture.FloatTensor(equivalent));
        Assert.True(d1 <= Tolerance, $"{name}: against the equivalent 1-layer MoE, max |dy| = {d1}");
        output.WriteLine($"{name} W_final override: max |dy| = {dy:E2}, vs 1-layer MoE {d1:E2}");
    }

    private static (Tensor X, Tensor Mask, Tensor YBase) Inputs(SmoreFixture fixture)
    {
        var root = fixture.Root;
        var x = SmoreFixture.FloatTensor(root.GetProperty("x"));
        var maskSection = root.GetProperty("attention_mask_flat");
        var mask = tensor(SmoreFixture.Longs(maskSection), maskSection.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray());
        return (x, mask, SmoreFixture.FloatTensor(root.GetProperty("y_base")));
    }

    /// <summary>Checks y, the balance loss and every gate's outputs; returns max |Δy|.</summary>
    private static double CheckMode(SmoreFixture fixture, JsonElement mode, SmoreForward result, Tensor yBase)
    {
        var name = fixture.Name;
        var y = yBase.add(result.Delta, alpha: TorchScalars.One);
        double dy = MaxAbs(y, SmoreFixture.FloatTensor(mode.GetProperty("y")));
        Assert.True(dy <= Tolerance, $"{name}: max |dy| = {dy}");
        CheckLoss(mode.GetProperty("balance_loss"), result.AuxiliaryLoss, name);
        for (int l = 0; l < fixture.Settings.Layers; l++)
        {
            var gate = fixture.Gate(mode, l);
            var decision = result.Gates[l];
            var indices = gate.GetProperty("topK_indices");
            Assert.Equal(indices.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray(), decision.Indices.shape);
            Assert.Equal(SmoreFixture.Longs(indices), decision.Indices.flatten().data<long>().ToArray());
            AssertClose(gate.GetProperty("topK_scores"), decision.Scores, $"{name} layer {l} scores");
            AssertClose(gate.GetProperty("gate_input"), result.RouterInputs[l], $"{name} layer {l} router input");
            AssertClose(gate.GetProperty("selected_keys"), result.SelectedKeys[l], $"{name} layer {l} selected keys");
            CheckLoss(gate.GetProperty("balance_loss"), decision.Loss, $"{name} layer {l}");
            if (gate.GetProperty("load").ValueKind != JsonValueKind.Null)
            {
                AssertClose(gate.GetProperty("load"), decision.Load!, $"{name} layer {l} load");
                AssertClose(gate.GetProperty("importance"), decision.Importance!, $"{name} layer {l} importance");
            }
        }
        return dy;
    }

    private static void CheckLoss(JsonElement expected, Tensor? actual, string what)
    {
        if (expected.ValueKind == JsonValueKind.Null)
        {
            Assert.True(actual is null, $"{what}: the official layer has no balance loss");
            return;
        }
        Assert.True(actual is not null, $"{what}: missing balance loss");
        double difference = Math.Abs(actual!.item<float>() - expected.GetDouble());
        Assert.True(difference <= Tolerance, $"{what}: balance loss {actual.item<float>()} vs {expected.GetDouble()}");
    }

    private static void AssertClose(JsonElement expected, Tensor actual, string what)
    {
        var values = SmoreFixture.Floats(expected);
        var ours = actual.to_type(float32).flatten();
        if (values.Length == 1 && ours.numel() > 1)
        {
            ours.data<float>().ToList().ForEach(v => Assert.True(Math.Abs(v - values[0]) <= Tolerance, $"{what}: {v} vs {values[0]}"));
            return;
        }
        using var reference = tensor(values);
        double difference = MaxAbs(ours, reference);
        Assert.True(difference <= Tolerance, $"{what}: max difference {difference}");
    }

    private static double MaxAbs(Tensor a, Tensor b)
    {
        Assert.Equal(a.numel(), b.numel());
        return a.flatten().to_type(float64).sub(b.flatten().to_type(float64)).abs().max().item<double>();
    }
}
