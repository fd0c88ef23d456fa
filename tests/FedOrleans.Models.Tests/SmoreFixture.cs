using System.Text.Json;
using System.Text.RegularExpressions;
using FedOrleans.Models.Adapters;
using static TorchSharp.torch;

namespace FedOrleans.Models.Tests;

/// <summary>
/// One configuration of shared/data/smore (outputs of the official SMoREFFN layer): its settings, its state dict
/// mapped to <see cref="SmoreAdapter"/>'s parameter names, and its io.json.
/// </summary>
internal sealed partial class SmoreFixture : IDisposable
{
    private SmoreFixture(string name, JsonDocument io, JsonDocument state)
    {
        Name = name;
        Io = io;
        State = state;
        var config = io.RootElement.GetProperty("config");
        Settings = new SmoreSettings(
            Ints(config.GetProperty("s")),
            Ints(config.GetProperty("r")),
            Ints(config.GetProperty("f")),
            Ints(config.GetProperty("d_g")),
            config.GetProperty("dim_downproj_x").GetInt32(),
            config.GetProperty("gate_type").GetString() switch
            {
                "dense" => GateKind.Dense,
                "switch" => GateKind.Switch,
                "noisy_topk" => GateKind.NoisyTopK,
                var other => throw new InvalidDataException($"{name}: gate {other}"),
            },
            config.GetProperty("expert_act_fn").GetString() switch
            {
                "identity" => AdapterActivation.Identity,
                "tanh" => AdapterActivation.Tanh,
                "relu" => AdapterActivation.Relu,
                var other => throw new InvalidDataException($"{name}: activation {other}"),
            },
            AdapterActivation.Relu,
            config.GetProperty("init_method").GetString() switch
            {
                "normal" => SmoreInit.Normal,
                "w_final_zero" => SmoreInit.WFinalZero,
                "eq_1_layer" => SmoreInit.Eq1Layer,
                var other => throw new InvalidDataException($"{name}: init {other}"),
            },
            config.GetProperty("balance_loss_weight").GetDouble());
        InFeatures = config.GetProperty("base_in_features").GetInt32();
        OutFeatures = config.GetProperty("base_out_features").GetInt32();
    }

    public static readonly string[] Names =
        ["a_dense", "b_switch", "c_noisy_topk", "d_switch_3layer", "e_w_final_zero", "f_eq_1_layer", "f_eq_1_layer_s4"];

    public string Name { get; }

    public JsonDocument Io { get; }

    public JsonDocument State { get; }

    public SmoreSettings Settings { get; }

    public int InFeatures { get; }

    public int OutFeatures { get; }

    public JsonElement Root => Io.RootElement;

    public static SmoreFixture Load(string name)
    {
        var folder = SharedFiles.Path(Path.Combine("data", "smore", name));
        return new SmoreFixture(name,
            JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "io.json"))),
            JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "state.json"))));
    }

    /// <summary>A new adapter holding exactly the official parameter values.</summary>
    public SmoreAdapter CreateAdapter()
    {
        var adapter = new SmoreAdapter(InFeatures, OutFeatures, Settings, seed: 1);
        var parameters = adapter.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var assigned = new HashSet<string>();
        using var noGrad = no_grad();
        foreach (var entry in State.RootElement.EnumerateObject())
        {
            if (entry.Name.StartsWith("base_layer.", StringComparison.Ordinal))
            {
                continue;
            }
            var ours = OurName(entry.Name);
            Assert.True(parameters.TryGetValue(ours, out var parameter), $"{Name}: {entry.Name} -> {ours} is not a parameter of SmoreAdapter");
            using var value = FloatTensor(entry.Value);
            Assert.Equal(value.shape, parameter!.shape);
            parameter.copy_(value);
            assigned.Add(ours);
        }
        Assert.Equal(parameters.Keys.Order(), assigned.Order());
        return adapter;
    }

    /// <summary>The official state-dict name in SmoreAdapter's spelling.</summary>
    public static string OurName(string official)
    {
        var name = official.Replace(".default", "", StringComparison.Ordinal);
        name = name.Replace("moe_downproj_x.", "downproj.", StringComparison.Ordinal)
            .Replace("moe_gate.", "gates.", StringComparison.Ordinal)
            .Replace("moe_W_final", "W_final", StringComparison.Ordinal);
        return ExpertName().Replace(name, "layers.$3.$1$2");
    }

    public static Tensor FloatTensor(JsonElement t)
    {
        var shape = t.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        var data = t.GetProperty("data").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
        return tensor(data, shape);
    }

    public static long[] Longs(JsonElement t) => t.GetProperty("data").EnumerateArray().Select(e => e.GetInt64()).ToArray();

    public static float[] Floats(JsonElement t) => t.GetProperty("data").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();

    /// <summary>The <c>gates</c> entry of <paramref name="mode"/> for layer <paramref name="layer"/>.</summary>
    public JsonElement Gate(JsonElement mode, int layer) =>
        mode.GetProperty("gates").EnumerateArray().Single(g => g.GetProperty("layer").GetInt32() == layer);

    public void Dispose()
    {
        Io.Dispose();
        State.Dispose();
    }

    private static int[] Ints(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();

    [GeneratedRegex(@"^moe_(A|B|W)(_bias)?\.(\d+)$")]
    private static partial Regex ExpertName();
}
