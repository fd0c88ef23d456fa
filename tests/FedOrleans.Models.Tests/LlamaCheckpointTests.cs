using System.Text.Json.Nodes;
using FedOrleans.Models.Llm;
using FedOrleans.Models.Llm.Safetensors;
using FedOrleans.Models.Torch;
using static TorchSharp.torch;

namespace FedOrleans.Models.Tests;

public sealed class LlamaCheckpointTests
{
    /// <summary>A freshly saved Nano checkpoint (the shape of the transformers fixture), to break in tests.</summary>
    private static string SavedNano()
    {
        TorchRuntime.EnsureThreadConfigured();
        using var model = new LlamaForCausalLM(LlamaConfig.FromPreset(LlamaPreset.Nano));
        model.Initialize(seed: 11);
        var folder = Directory.CreateTempSubdirectory("fedorleans-llama-").FullName;
        LlamaCheckpoint.Save(model, folder);
        return folder;
    }

    [Theory]
    [InlineData(false, null)]
    [InlineData(true, null)]
    [InlineData(false, 40_000L)]
    public void Save_then_load_gives_identical_logits(bool tied, long? maxShardBytes)
    {
        TorchRuntime.EnsureThreadConfigured();
        using var scope = NewDisposeScope();
        var config = LlamaConfig.FromPreset(LlamaPreset.Nano) with { TieWordEmbeddings = tied };
        using var model = new LlamaForCausalLM(config);
        model.Initialize(seed: 3);
        var folder = Directory.CreateTempSubdirectory("fedorleans-llama-").FullName;
        LlamaCheckpoint.Save(model, folder, maxShardBytes: maxShardBytes);
        if (maxShardBytes is not null)
        {
            Assert.True(File.Exists(Path.Combine(folder, LlamaCheckpoint.IndexFileName)));
            Assert.True(Directory.GetFiles(folder, "model-*-of-*.safetensors").Length > 1);
        }
        using var loaded = LlamaCheckpoint.Load(folder);
        Assert.Equal(config, loaded.Config);
        Assert.Equal(tied, !loaded.named_parameters().Any(p => p.name == "lm_head.weight"));
        var ids = randint(0, config.VocabSize, [2, 9], ScalarType.Int64, generator: new Generator(5));
        using var noGrad = no_grad();
        model.eval();
        loaded.eval();
        var before = model.call(ids, null).data<float>().ToArray();
        var after = loaded.call(ids, null).data<float>().ToArray();
        Assert.Equal(before, after);
    }

    [Fact]
    public void Bfloat16_weights_round_trip_to_within_bfloat16_precision()
    {
        TorchRuntime.EnsureThreadConfigured();
        using var scope = NewDisposeScope();
        using var model = new LlamaForCausalLM(LlamaConfig.FromPreset(LlamaPreset.Nano));
        model.Initialize(seed: 4);
        var folder = Directory.CreateTempSubdirectory("fedorleans-llama-").FullName;
        LlamaCheckpoint.Save(model, folder, SafetensorsDType.BF16);
        var file = SafetensorsFile.Open(Path.Combine(folder, LlamaCheckpoint.WeightsFileName));
        Assert.All(file.Entries.Values, e => Assert.Equal(SafetensorsDType.BF16, e.DType));
        using var loaded = LlamaCheckpoint.Load(folder);
        foreach (var ((name, a), (_, b)) in model.named_parameters().Zip(loaded.named_parameters()))
        {
            var x = a.data<float>().ToArray();
            var y = b.data<float>().ToArray();
            for (int i = 0; i < x.Length; i++)
            {
                Assert.True(Math.Abs(x[i] - y[i]) <= Math.Abs(x[i]) / 256 + 1e-30, $"{name}[{i}]: {x[i]} became {y[i]}");
            }
        }
    }

    [Fact]
    public void A_truncated_safetensors_file_gives_an_error_naming_the_file_and_the_problem()
    {
        var folder = SavedNano();
        var path = Path.Combine(folder, "model.safetensors");
        var bytes = File.ReadAllBytes(path);

        File.WriteAllBytes(path, bytes[..(bytes.Length - 1000)]);
        var error = Assert.Throws<CheckpointException>(() => LlamaCheckpoint.Load(folder));
        Assert.Equal(path, error.FilePath);
        Assert.Contains("truncated", error.Message);
        Assert.Contains("needs bytes", error.Message);

        File.WriteAllBytes(path, bytes[..100]);
        error = Assert.Throws<CheckpointException>(() => LlamaCheckpoint.Load(folder));
        Assert.Contains("truncated", error.Message);
        Assert.Contains("header", error.Message);

        File.WriteAllBytes(path, bytes[..5]);
        error = Assert.Throws<CheckpointException>(() => LlamaCheckpoint.Load(folder));
        Assert.Contains("too short", error.Message);
        Assert.StartsWith(path, error.Message);
    }

    [Fact]
    public void A_corrupt_header_or_a_mismatched_config_gives_a_clear_error()
    {
        var folder = SavedNano();
        var path = Path.Combine(folder, "model.safetensors");
        var bytes = File.ReadAllBytes(path);
        var broken = (byte[])bytes.Clone();
        broken[8] = (byte)'#';
        File.WriteAllBytes(path, broken);
        var error = Assert.Throws<CheckpointException>(() => SafetensorsFile.Open(path));
        Assert.Contains("not valid JSON", error.Message);

        File.WriteAllBytes(path, bytes);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "config.json")))!.AsObject();
        config["intermediate_size"] = 100;
        File.WriteAllText(Path.Combine(folder, "config.json"), config.ToJsonString());
        error = Assert.Throws<CheckpointException>(() => LlamaCheckpoint.Load(folder));
        Assert.Contains("mlp.gate_proj.weight", error.Message);
        Assert.Contains("[172, 64]", error.Message);
    }

    [Fact]
    public void Config_reads_top_level_rope_theta_and_names_bad_fields()
    {
        var folder = SavedNano();
        var path = Path.Combine(folder, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        config.Remove("rope_theta");
        File.WriteAllText(path, config.ToJsonString());
        Assert.Equal(10000.0, LlamaConfig.Load(path).RopeTheta);

        config.Remove("rope_parameters");
        config["rope_theta"] = 500000.0;
        File.WriteAllText(path, config.ToJsonString());
        Assert.Equal(500000.0, LlamaConfig.Load(path).RopeTheta);

        config["num_key_value_heads"] = 3;
        File.WriteAllText(path, config.ToJsonString());
        var error = Assert.Throws<CheckpointException>(() => LlamaConfig.Load(path));
        Assert.Contains("num_key_value_heads (3)", error.Message);

        config["num_key_value_heads"] = 2;
        config["hidden_size"] = "sixty-four";
        File.WriteAllText(path, config.ToJsonString());
        error = Assert.Throws<CheckpointException>(() => LlamaConfig.Load(path));
        Assert.Contains("hidden_size must be an integer", error.Message);

        config["hidden_size"] = 64;
        config["rope_parameters"] = new JsonObject { ["rope_theta"] = 10000.0 };
        File.WriteAllText(path, config.ToJsonString());
        error = Assert.Throws<CheckpointException>(() => LlamaConfig.Load(path));
        Assert.Contains("disagree", error.Message);

        config.Remove("rope_theta");
        config["rope_parameters"] = new JsonObject { ["rope_theta"] = 10000.0, ["rope_type"] = "yarn" };
        File.WriteAllText(path, config.ToJsonString());
        error = Assert.Throws<CheckpointException>(() => LlamaConfig.Load(path));
        Assert.Contains("yarn", error.Message);
    }

    [Fact]
    public void Config_json_round_trips_including_llama3_rope_scaling()
    {
        var folder = Directory.CreateTempSubdirectory("fedorleans-llama-").FullName;
        var path = Path.Combine(folder, "config.json");
        foreach (var preset in Enum.GetValues<LlamaPreset>())
        {
            var config = LlamaConfig.FromPreset(preset);
            File.WriteAllText(path, config.ToJson());
            Assert.Equal(config, LlamaConfig.Load(path));
        }
    }

    [Theory]
    [InlineData(LlamaPreset.Llama32_1B, 1_235_814_400L)]
    [InlineData(LlamaPreset.Llama32_3B, 3_212_749_824L)]
    [InlineData(LlamaPreset.Llama3_8B, 8_030_261_248L)]
    public void Real_llama_presets_have_the_published_parameter_counts(LlamaPreset preset, long expected)
    {
        Assert.Equal(expected, LlamaConfig.FromPreset(preset).ParameterCount);
    }

    [Theory]
    [InlineData(LlamaPreset.Nano, false)]
    [InlineData(LlamaPreset.Micro, true)]
    [InlineData(LlamaPreset.Small, false)]
    public void Module_parameter_count_equals_the_configs(LlamaPreset preset, bool tied)
    {
        var config = LlamaConfig.FromPreset(preset) with { TieWordEmbeddings = tied };
        using var model = new LlamaForCausalLM(config);
        Assert.Equal(config.ParameterCount, model.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void Llama3_rope_scaling_keeps_high_frequencies_and_divides_low_ones_by_the_factor()
    {
        var scaling = new RopeScaling(Factor: 8, LowFreqFactor: 1, HighFreqFactor: 4, OriginalMaxPositions: 8192);
        // Wavelengths: 2 pi / f. Below 8192 / 4 = 2048 kept, above 8192 divided by 8, between interpolated.
        double[] frequencies = [2 * Math.PI / 100, 2 * Math.PI / 20000, 2 * Math.PI / 4096];
        var scaled = scaling.Apply(frequencies);
        Assert.Equal(frequencies[0], scaled[0]);
        Assert.Equal(frequencies[1] / 8, scaled[1], 15);
        double smooth = (8192.0 / 4096 - 1) / (4 - 1);
        Assert.Equal((1 - smooth) * frequencies[2] / 8 + smooth * frequencies[2], scaled[2], 15);
        Assert.InRange(scaled[2], frequencies[2] / 8, frequencies[2]);
    }

    [Fact]
    public void Added_tokens_grow_embedding_and_untied_head_with_the_mean_row()
    {
        TorchRuntime.EnsureThreadConfigured();
        using var scope = NewDisposeScope();
        using var model = new LlamaForCausalLM(LlamaConfig.FromPreset(LlamaPreset.Nano));
        model.Initialize(seed: 1);
        using var grown = model.WithAddedTokens(2);
        Assert.Equal(514, grown.Config.VocabSize);
        var before = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, p) in grown.named_parameters())
        {
            var old = before[name];
            if (name is "model.embed_tokens.weight" or "lm_head.weight")
            {
                Assert.Equal(new long[] { 514, 64 }, p.shape);
                Assert.True(p.narrow(0, 0, 512).allclose(old));
                var mean = old.mean([0L]);
                Assert.True(p[512].allclose(mean, rtol: 0, atol: 1e-7) && p[513].allclose(mean, rtol: 0, atol: 1e-7), name);
            }
            else
            {
                Assert.True(p.allclose(old), name);
            }
        }
    }
}
