using FedOrleans.Models.Adapters;
using FedOrleans.Models.Torch;
using static TorchSharp.torch;

namespace FedOrleans.Models.Tests;

/// <summary>Invariants of the adapters: zero-init equivalences, reductions (Props. 3.1, 3.2), costs, gradients, losses, Γ.</summary>
public sealed class SmoreAdapterTests
{
    private const double Tolerance = 1e-5;

    [Fact]
    public void W_final_zero_output_equals_the_frozen_base_output_exactly()
    {
        TorchRuntime.EnsureThreadConfigured();
        using var scope = NewDisposeScope();
        using var baseLayer = nn.Linear(24, 20);
        using var adapter = new SmoreAdapter(24, 20, Settings([4, 4], [4, 8], [2, 2], GateKind.Switch, AdapterActivation.Tanh, SmoreInit.WFinalZero), 5);
        adapter.train();
        using var generator = new Generator(7);
        var x = randn([3, 6, 24], generator: generator);
        var frozen = baseLayer.call(x);
        var y = frozen.add(adapter.call(x), alpha: TorchScalars.One);
        Assert.True(y.eq(frozen).all().item<bool>());
    }

    [Theory]
    [InlineData(GateKind.Dense, 2, 3, 4, 2)]
    [InlineData(GateKind.Switch, 4, 4, 4, 4)]
    [InlineData(GateKind.NoisyTopK, 3, 4, 2, 4)]
    public void Eq_1_layer_with_identity_activation_is_a_one_layer_mixture(GateKind gate, int s0, int s1, int r0, int r1)
    {
        TorchRuntime.EnsureThreadConfigured();
        using var scope = NewDisposeScope();
        using var adapter = new SmoreAdapter(16, 12, Settings([s0, s1], [r0, r1], [2, 2], gate, AdapterActivation.Identity, SmoreInit.Eq1Layer), 11);
        adapter.eval();
        using var noGrad = no_grad();
        var parameters = adapter.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using var generator = new Generator(3);
        var wFinal = parameters["W_final"];
        wFinal.copy_(randn(wFinal.shape, generator: generator));
        var x = randn([9, 16], generator: generator);
        var result = adapter.Run(x, null);

        // One-layer mixture: the layer-1 experts use columns k·r1.., the layer-0 experts the last s0·r0 columns.
        var top = result.Gates[1];
        var leaf = result.Gates[0];
        var expected = zeros(9, 12);
        var a0 = parameters["layers.0.A"];
        var a1 = parameters["layers.1.A"];
        for (int k = 0; k < s1; k++)
        {
            var weight = top.Scores.mul(top.Indices.eq(k).to_type(float32)).sum(-1, keepdim: true);
            var delta = nn.functional.linear(nn.functional.linear(x, a1[k]), wFinal.narrow(1, (long)k * r1, r1));
            expected = expected.add(delta.mul(weight), alpha: TorchScalars.One);
        }
        for (int j = 0; j < s0; j++)
        {
            var inner = leaf.Scores.mul(leaf.Indices.eq(j).to_type(float32)).sum(-1);
            var weight = top.Scores.mul(inner).sum(-1, keepdim: true);
            var delta = nn.functional.linear(nn.functional.linear(x, a0[j]), wFinal.narrow(1, (long)s1 * r1 + (long)j * r0, r0));
            expected = expected.add(delta.mul(weight), alpha: TorchScalars.One);
        }
        Assert.True(MaxAbs(result.Delta, expected) <= Tolerance, $"max |d| = {MaxAbs(result.Delta, expected)}");
    }

    [Theory]
    [InlineData(GateKind.Dense)]
    [InlineData(GateKind.Switch)]
    [InlineData(GateKind.NoisyTopK)]
    public void One_layer_with_identity_activation_is_a_mixture_of_low_rank_experts(GateKind gate)
    {
        TorchRuntime.EnsureThreadConfigured();
        using var scope = NewDisposeScope();
        using var adapter = new SmoreAdapter(16, 12, Settings([4], [3], [2], gate, AdapterActivation.Identity, SmoreInit.Normal), 13);
        adapter.eval();
        using var noGrad = no_grad();
        var parameters = adapter.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using var generator = new Generator(5);
        var x = randn([10, 16], generator: generator);
        var result = adapter.Run(x, null);
        // Expert j of the mixture: A_j, and B'_j = W_final · B_j (rank 3 into 12 outputs); biases are 0 at init.
        var b = parameters["W_final"].matmul(parameters["layers.0.B"]);
        var mixture = MixLoraAdapter.Mix(x, parameters["layers.0.A"], b, result.Gates[0].Indices, result.Gates[0].Scores);
        Assert.True(MaxAbs(result.Delta, mixture) <= Tolerance, $"max |d| = {MaxAbs(result.Delta, mixture)}");
    }

    [Theory]
    [InlineData(48, 40, new[] { 4, 4 }, new[] { 4, 8 }, GateKind.Switch)]
    [InlineData(64, 32, new[] { 2, 2 }, new[] { 8, 8 }, GateKind.Dense)]
    [InlineData(32, 96, new[] { 4, 4, 4 }, new[] { 2, 4, 4 }, GateKind.NoisyTopK)]
    [InlineData(20, 20, new[] { 8 }, new[] { 2 }, GateKind.Switch)]
    public void Parameter_formulas_match_the_module(int inFeatures, int outFeatures, int[] experts, int[] ranks, GateKind gate)
    {
        var settings = Settings(experts, ranks, experts.Select(_ => 2).ToArray(), gate, AdapterActivation.Tanh, SmoreInit.Normal);
        using var adapter = new SmoreAdapter(inFeatures, outFeatures, settings, 1);
        Assert.Equal(settings.ParameterCount(inFeatures, outFeatures), adapter.ParameterCount());
        // The paper's cost formula (§3.4) counts the A, B, W and W_proj matrices.
        long matrices = adapter.named_parameters()
            .Where(p => p.name.EndsWith(".A", StringComparison.Ordinal) || p.name.EndsWith(".B", StringComparison.Ordinal)
                || p.name.EndsWith(".W", StringComparison.Ordinal) || p.name == "W_final")
            .Sum(p => p.parameter.numel());
        Assert.Equal(settings.PaperMatrixCount(inFeatures, outFeatures), matrices);
    }

    [Fact]
    public void Reference_counts_for_Llama_shapes()
    {
        // papers.md §2.6: FFN adapters (gate, up: h -> ffn; down: ffn -> h), d_g = d_down = 32, switch gate.
        static long PerLayer(SmoreSettings s, int hidden, int ffn) => 2 * s.ParameterCount(hidden, ffn) + s.ParameterCount(ffn, hidden);
        var s44 = Settings([4, 4], [8, 8], [2, 2], GateKind.Switch, AdapterActivation.Tanh, SmoreInit.WFinalZero) with { DownProjectionDim = 32, GateDims = [32, 32] };
        var s22 = s44 with { Experts = [2, 2], FanOuts = [1, 1] };
        Assert.Equal(2_411_232, PerLayer(s44, 2048, 8192));
        Assert.Equal(38.58, Math.Round(16 * PerLayer(s44, 2048, 8192) / 1e6, 2));
        Assert.Equal(22.64, Math.Round(16 * PerLayer(s22, 2048, 8192) / 1e6, 2));
        Assert.Equal(138.4, Math.Round(32 * PerLayer(s44, 4096, 14336) / 1e6, 1));
    }

    [Theory]
    [InlineData(GateKind.Dense)]
    [InlineData(GateKind.Switch)]
    [InlineData(GateKind.NoisyTopK)]
    public void Gradients_reach_the_router_and_the_keys(GateKind gate)
    {
        TorchRuntime.EnsureThreadConfigured();
        using var scope = NewDisposeScope();
        using var adapter = new SmoreAdapter(16, 12, Settings([4, 4], [2, 2], [2, 2], gate, AdapterActivation.Tanh, SmoreInit.Normal), 17);
        adapter.train();
        using var generator = new Generator(19);
        adapter.NoiseGenerator = generator;
        var x = randn([2, 5, 16], generator: generator);
        var result = adapter.Run(x, ones(2, 5));
        var loss = result.Delta.square().sum();
        if (result.AuxiliaryLoss is not null)
        {
            loss = loss.add(result.AuxiliaryLoss, alpha: TorchScalars.One);
        }
        loss.backward();
        foreach (var (name, parameter) in adapter.named_parameters())
        {
            if (name.Contains("weight_noise", StringComparison.Ordinal) || name.Contains("A_bias", StringComparison.Ordinal))
            {
                continue;
            }
            Assert.True(parameter.grad is not null && parameter.grad.abs().sum().item<float>() > 0, $"{gate}: no gradient for {name}");
        }
        Assert.Contains(adapter.named_parameters(), p => p.name == "gates.0.keys");
        Assert.Contains(adapter.named_parameters(), p => p.name == "gates.1.mlp.0.weight");
    }

    [Fact]
    public void Noisy_gate_noise_projection_learns_through_the_load_estimate()
    {
        TorchRuntime.EnsureThreadConfigured();
        using var scope = NewDisposeScope();
        using var adapter = new SmoreAdapter(16, 12, Settings([4, 4], [2, 2], [2, 2], GateKind.NoisyTopK, AdapterActivation.Tanh, SmoreInit.Normal), 23);
        adapter.train();
        using var generator = new Generator(29);
        adapter.NoiseGenerator = generator;
        var result = adapter.Run(randn([4, 8, 16], generator: generator), null);
        result.AuxiliaryLoss!.backward();
        var noise = adapter.named_parameters().Single(p => p.name == "gates.0.weight_noise.weight").parameter;
        Assert.True(noise.grad!.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void Switch_balance_loss_equals_its_formula_on_hand_made_outputs()
    {
        using var scope = NewDisposeScope();
        // 3 tokens, 3 experts, top-2; token 2 is padding.
        float[,] p = { { 0.5f, 0.3f, 0.2f }, { 0.1f, 0.6f, 0.3f }, { 0.2f, 0.2f, 0.6f } };
        long[,] idx = { { 0, 1 }, { 1, 2 }, { 2, 0 } };
        var probabilities = tensor(p);
        var indices = tensor(idx);
        var mask = tensor(new long[] { 1, 1, 0 });
        var (loss, load) = GateFunctions.SwitchBalanceLoss(probabilities, indices, mask, 0.01);
        // Valid tokens 0 and 1: counts e0 = 1, e1 = 2, e2 = 1 over N_valid = 2; P = mean of p over the two tokens.
        double[] t = [1 / 2.0, 2 / 2.0, 1 / 2.0];
        double[] pe = [(0.5 + 0.1) / 2, (0.3 + 0.6) / 2, (0.2 + 0.3) / 2];
        double expected = 0.01 * 3 * (t[0] * pe[0] + t[1] * pe[1] + t[2] * pe[2]);
        Assert.Equal(expected, loss.item<float>(), 6);
        Assert.Equal([1f, 2f, 1f], load.data<float>().ToArray());
    }

    [Fact]
    public void Noisy_gate_losses_equal_their_formulas_on_hand_made_logits()
    {
        using var scope = NewDisposeScope();
        float[,] logits = { { 0.9f, 0.1f, -0.2f, 0.4f }, { -0.5f, 0.7f, 0.2f, 0.1f }, { 0.3f, 0.2f, 0.8f, -0.9f } };
        var decision = GateFunctions.NoisyTopK(tensor(logits), null, null, 2, tensor(new long[] { 1, 1, 0 }), 0.01);
        // Evaluation: top-2 per token with softmax weights; token 2 is padding.
        double Softmax(double a, double b) => Math.Exp(a) / (Math.Exp(a) + Math.Exp(b));
        double[] importance = [Softmax(0.9, 0.4), Softmax(0.7, 0.2), Softmax(0.2, 0.7), Softmax(0.4, 0.9)];
        double[] load = [1, 1, 1, 1];
        Assert.Equal(importance.Select(v => (float)v), decision.Importance!.data<float>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-6);
        Assert.Equal(load.Select(v => (float)v), decision.Load!.data<float>().ToArray());
        Assert.Equal(0.01 * CvSquared(importance) + 0.01 * CvSquared(load), decision.Loss!.item<float>(), 6);

        // Training with zero noise draws: the load is the normal-CDF estimate.
        var eps = zeros(3, 4);
        var scale = full(3, 4, 0.5f);
        var noisy = GateFunctions.NoisyTopK(tensor(logits), eps, scale, 2, null, 0.01);
        double Phi(double z) => 0.5 * (1 + Erf(z / Math.Sqrt(2)));
        var rows = new[] { new[] { 0.9, 0.1, -0.2, 0.4 }, new[] { -0.5, 0.7, 0.2, 0.1 }, new[] { 0.3, 0.2, 0.8, -0.9 } };
        var expectedLoad = new double[4];
        foreach (var row in rows)
        {
            var sorted = row.OrderByDescending(v => v).ToArray();
            for (int e = 0; e < 4; e++)
            {
                double threshold = row[e] > sorted[2] ? sorted[2] : sorted[1];
                expectedLoad[e] += Phi((row[e] - threshold) / 0.5);
            }
        }
        Assert.Equal(expectedLoad.Select(v => (float)v), noisy.Load!.data<float>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-5);
    }

    [Fact]
    public void Structural_flexibility_of_four_experts_fan_out_two_two_layers()
    {
        Assert.Equal(216, (int)StructuralFlexibility.Smore([4, 4], [2, 2]));
        Assert.Equal(66, (int)StructuralFlexibility.MomorUpperBound([4, 4], [2, 2]));
    }

    [Fact]
    public void Lora_and_mixture_start_as_the_frozen_layer_and_count_their_parameters()
    {
        TorchRuntime.EnsureThreadConfigured();
        using var scope = NewDisposeScope();
        using var lora = new LoraAdapter(24, 20, new LoraSettings(4, 8), 1);
        var mixSettings = new MixLoraSettings(4, 2, 3, 3, GateKind.NoisyTopK);
        using var mix = new MixLoraAdapter(24, 20, mixSettings, 2);
        using var generator = new Generator(3);
        var x = randn([2, 3, 24], generator: generator);
        Assert.Equal(0f, lora.call(x).abs().max().item<float>());
        Assert.Equal(0f, mix.call(x).abs().max().item<float>());
        Assert.Equal(4 * (24 + 20), lora.ParameterCount());
        Assert.Equal(mixSettings.ParameterCount(24, 20), mix.ParameterCount());
    }

    [Fact]
    public void Every_expert_matrix_is_initialised_on_its_own_fan_in_as_the_official_layer()
    {
        // Official layer.py: kaiming_uniform_(a = √5) on each expert's 2-D slice, A_i [r, in] (bound 1/√in) and
        // B_i [d_{l+1}, r] (bound 1/√r); not on the stacked 3-D tensor (whose fan-in would be r·in and d·r).
        TorchRuntime.EnsureThreadConfigured();
        int inFeatures = 96;
        var settings = Settings([4, 4], [8, 16], [2, 2], GateKind.Switch, AdapterActivation.Tanh, SmoreInit.Normal);
        using var adapter = new SmoreAdapter(inFeatures, 40, settings, 3);
        var parameters = adapter.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        for (int l = 0; l < 2; l++)
        {
            AssertEachSliceUniform(parameters[$"layers.{l}.A"], 1 / Math.Sqrt(inFeatures));
            AssertEachSliceUniform(parameters[$"layers.{l}.B"], 1 / Math.Sqrt(settings.Ranks[l]));
        }
        using var mix = new MixLoraAdapter(inFeatures, 40, new MixLoraSettings(4, 2, 16, 32, GateKind.Switch), 3);
        AssertEachSliceUniform(mix.named_parameters().Single(p => p.name == "lora_A").parameter, 1 / Math.Sqrt(inFeatures));
    }

    private static void AssertEachSliceUniform(Tensor stacked, double bound)
    {
        for (long i = 0; i < stacked.shape[0]; i++)
        {
            var values = stacked[i].detach().flatten().to_type(ScalarType.Float64).data<double>().ToArray();
            double max = values.Max(Math.Abs);
            double variance = values.Select(v => v * v).Average();
            Assert.True(max <= bound * (1 + 1e-6), $"slice {i}: |w| up to {max}, bound {bound}");
            Assert.True(max >= 0.9 * bound, $"slice {i}: |w| only up to {max} for a bound of {bound} ({values.Length} draws)");
            // U(−b, b) has variance b²/3; with n ≥ 128 draws the sample second moment is within 25 % of it.
            Assert.InRange(variance, bound * bound / 3 * 0.75, bound * bound / 3 * 1.25);
        }
    }

    internal static SmoreSettings Settings(int[] experts, int[] ranks, int[] fanOuts, GateKind gate, AdapterActivation activation, SmoreInit init) =>
        new(experts, ranks, fanOuts, experts.Select(_ => 8).ToArray(), 16, gate, activation, AdapterActivation.Relu, init);

    private static double CvSquared(double[] v)
    {
        double mean = v.Average();
        double variance = v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1);
        return variance / (mean * mean + 1e-10);
    }

    /// <summary>Abramowitz–Stegun 7.1.26 is too coarse; this uses the series, exact to double precision for |z| &lt; 3.</summary>
    private static double Erf(double z)
    {
        double sum = 0, term = z;
        for (int n = 0; n < 60; n++)
        {
            sum += term / (2 * n + 1);
            term *= -z * z / (n + 1);
        }
        return 2 / Math.Sqrt(Math.PI) * sum;
    }

    private static double MaxAbs(Tensor a, Tensor b) =>
        a.flatten().to_type(float64).sub(b.flatten().to_type(float64)).abs().max().item<double>();
}
