using FedOrleans.Models.Adapters;
using FedOrleans.Models.Llm;
using FedOrleans.Models.Torch;
using static TorchSharp.torch;

namespace FedOrleans.Models.Tests;

/// <summary>Adapters applied to a Llama model by module name: freezing, counts, auxiliary losses, adapter-only checkpoints.</summary>
public sealed class ModelAdaptersTests
{
    private static readonly LlamaConfig Tiny = new(64, 32, 48, 2, 4, 2, 8);

    private static readonly SmoreSettings Smore = new([2, 2], [4, 4], [1, 1], [8, 8], 16, GateKind.Switch);

    [Fact]
    public void W_final_zero_adapters_leave_the_logits_unchanged()
    {
        TorchRuntime.EnsureThreadConfigured();
        using var scope = NewDisposeScope();
        using var model = NewModel();
        var ids = Ids();
        using var noGrad = no_grad();
        var before = model.call(ids, null);
        using var adapters = ModelAdapters.Apply(model, Smore, AdapterTargets.FfnAndAttention, 5);
        var (after, aux) = adapters.Forward(model, ids, ones(ids.shape));
        Assert.True(after.eq(before).all().item<bool>());
        Assert.NotNull(aux);
    }

    [Fact]
    public void Ffn_targets_freeze_the_base_and_count_trainable_parameters_exactly()
    {
        using var model = NewModel();
        using var adapters = ModelAdapters.Apply(model, Smore, AdapterTargets.Ffn, 1);
        Assert.Equal(
            ["model.layers.0.mlp.gate_proj", "model.layers.0.mlp.up_proj", "model.layers.0.mlp.down_proj",
             "model.layers.1.mlp.gate_proj", "model.layers.1.mlp.up_proj", "model.layers.1.mlp.down_proj"],
            adapters.ModuleNames);
        long perLayer = 2 * Smore.ParameterCount(32, 48) + Smore.ParameterCount(48, 32);
        Assert.Equal(2 * perLayer, adapters.TrainableParameterCount());
        Assert.All(model.parameters(), p => Assert.False(p.requires_grad));
        Assert.All(adapters.Parameters(), p => Assert.True(p.requires_grad));
    }

    [Fact]
    public void Attention_targets_use_each_projection_shape()
    {
        using var model = NewModel();
        var lora = new LoraSettings(2, 4);
        using var adapters = ModelAdapters.Apply(model, lora, AdapterTargets.FfnAndAttention, 1);
        Assert.Equal(14, adapters.ModuleNames.Count);
        var adapter = adapters["model.layers.1.self_attn.k_proj"];
        Assert.Equal((32, 16), (adapter.InFeatures, adapter.OutFeatures));
        long perLayer = 2 * lora.ParameterCount(32, 48) + lora.ParameterCount(48, 32)
            + lora.ParameterCount(32, 32) * 2 + lora.ParameterCount(32, 16) * 2;
        Assert.Equal(2 * perLayer, adapters.TrainableParameterCount());
    }

    [Fact]
    public void Auxiliary_losses_of_every_adapter_join_the_language_model_loss()
    {
        TorchRuntime.EnsureThreadConfigured();
        using var scope = NewDisposeScope();
        using var model = NewModel();
        var settings = Smore with { Init = SmoreInit.Normal };
        using var adapters = ModelAdapters.Apply(model, settings, AdapterTargets.Ffn, 3);
        adapters.Train();
        var ids = Ids();
        var mask = ones(ids.shape);
        var (logits, aux) = adapters.Forward(model, ids, mask);
        Assert.NotNull(aux);
        Assert.True(aux!.item<float>() > 0);
        var lm = nn.functional.cross_entropy(logits.reshape(-1, 64), ids.reshape(-1));
        var total = lm.add(aux, alpha: TorchScalars.One);
        total.backward();
        Assert.Equal(0, adapters.Context.PendingCount);
        var keys = adapters.NamedParameters().Single(p => p.Name == "model.layers.0.mlp.gate_proj.gates.1.keys").Parameter;
        Assert.True(keys.grad!.abs().sum().item<float>() > 0);
        Assert.All(model.parameters(), p => Assert.Null(p.grad));
    }

    [Fact]
    public void Adapters_save_and_load_alone()
    {
        TorchRuntime.EnsureThreadConfigured();
        using var scope = NewDisposeScope();
        using var model = NewModel();
        var settings = Smore with { Init = SmoreInit.Normal, Gate = GateKind.NoisyTopK };
        var path = Path.Combine(Directory.CreateTempSubdirectory("fedorleans-adapters-").FullName, "adapters.safetensors");
        var ids = Ids();
        Tensor expected;
        using (var first = ModelAdapters.Apply(model, settings, AdapterTargets.Ffn, 7))
        {
            first.Eval();
            using var noGrad = no_grad();
            expected = first.Forward(model, ids, null).Logits;
            first.Save(path);
        }
        using var second = ModelAdapters.Apply(model, settings, AdapterTargets.Ffn, 99);
        second.Eval();
        second.Load(path);
        using var noGrad2 = no_grad();
        var actual = second.Forward(model, ids, null).Logits;
        Assert.True(actual.eq(expected).all().item<bool>());
        Assert.DoesNotContain(Llm.Safetensors.SafetensorsFile.Open(path).Entries.Keys, k => k.EndsWith("mlp.gate_proj.weight", StringComparison.Ordinal));
    }

    private static LlamaForCausalLM NewModel()
    {
        var model = new LlamaForCausalLM(Tiny);
        model.Initialize(11);
        model.eval();
        return model;
    }

    private static Tensor Ids()
    {
        using var generator = new Generator(13);
        return randint(0, 64, [2, 7], generator: generator);
    }
}
