using System.Text.Json;
using System.Text.Json.Nodes;

namespace FedOrleans.Models.Llm;

/// <summary>
/// The shape of a Llama-architecture decoder, in the field names of Hugging Face's <c>config.json</c>.
/// <see cref="Load"/> reads both spellings of the rotary base (<c>rope_theta</c> at the top level, as
/// transformers 4 writes it, and <c>rope_parameters.rope_theta</c>, as transformers 5 writes it) and the
/// <c>llama3</c> frequency rescaling; <see cref="ToJson"/> writes both spellings so either version reads it.
/// </summary>
public sealed record LlamaConfig(
    int VocabSize,
    int HiddenSize,
    int IntermediateSize,
    int NumHiddenLayers,
    int NumAttentionHeads,
    int NumKeyValueHeads,
    int HeadDim,
    double RopeTheta = 10000.0,
    double RmsNormEps = 1e-5,
    int MaxPositionEmbeddings = 2048,
    bool TieWordEmbeddings = false,
    RopeScaling? RopeScaling = null,
    int? BosTokenId = null,
    int? EosTokenId = null,
    int? PadTokenId = null)
{
    public const string FileName = "config.json";

    /// <summary>Query heads per key/value head (grouped-query attention; 1 = ordinary multi-head attention).</summary>
    public int KeyValueGroups => NumAttentionHeads / NumKeyValueHeads;

    /// <summary>
    /// Number of parameters of <see cref="LlamaForCausalLM"/> with this shape: embedding, per layer the four
    /// attention projections, the three MLP matrices and two norms, the final norm, and an untied head.
    /// </summary>
    public long ParameterCount
    {
        get
        {
            long h = HiddenSize, q = (long)NumAttentionHeads * HeadDim, kv = (long)NumKeyValueHeads * HeadDim;
            long layer = h * q + 2 * h * kv + q * h + 3 * h * IntermediateSize + 2 * h;
            long embedding = (long)VocabSize * h;
            return embedding + NumHiddenLayers * layer + h + (TieWordEmbeddings ? 0 : embedding);
        }
    }

    /// <summary>A preset shape. <paramref name="vocabSize"/> replaces the preset's vocabulary (e.g. GPT-2's 50,257 plus added tokens).</summary>
    public static LlamaConfig FromPreset(LlamaPreset preset, int? vocabSize = null)
    {
        var config = preset switch
        {
            LlamaPreset.Nano => new LlamaConfig(512, 64, 172, 2, 4, 2, 16, MaxPositionEmbeddings: 256),
            LlamaPreset.Micro => new LlamaConfig(512, 128, 344, 4, 4, 2, 32, MaxPositionEmbeddings: 512),
            LlamaPreset.Small => new LlamaConfig(512, 256, 688, 4, 4, 4, 64, MaxPositionEmbeddings: 512),
            LlamaPreset.Llama32_1B => new LlamaConfig(128256, 2048, 8192, 16, 32, 8, 64, 500000.0, 1e-5, 131072, true,
                new RopeScaling(32.0, 1.0, 4.0, 8192), 128000, 128001),
            LlamaPreset.Llama32_3B => new LlamaConfig(128256, 3072, 8192, 28, 24, 8, 128, 500000.0, 1e-5, 131072, true,
                new RopeScaling(32.0, 1.0, 4.0, 8192), 128000, 128001),
            LlamaPreset.Llama3_8B => new LlamaConfig(128256, 4096, 14336, 32, 32, 8, 128, 500000.0, 1e-5, 8192, false,
                null, 128000, 128001),
            _ => throw new ArgumentOutOfRangeException(nameof(preset), preset, "unknown preset"),
        };
        config = vocabSize is int v ? config with { VocabSize = v } : config;
        config.Validate(preset.ToString());
        return config;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming every inconsistent field (source names where the config came from).</summary>
    public void Validate(string source = "config")
    {
        var errors = Problems().ToList();
        if (errors.Count > 0)
        {
            throw new ArgumentException($"{source}: " + string.Join("; ", errors));
        }
    }

    /// <summary>Reads a Hugging Face <c>config.json</c> (a file, or a folder that holds one).</summary>
    public static LlamaConfig Load(string path)
    {
        if (Directory.Exists(path))
        {
            path = Path.Combine(path, FileName);
        }
        if (!File.Exists(path))
        {
            throw new CheckpointException(path, "no such file");
        }
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new CheckpointException(path, $"not valid JSON ({e.Message})");
        }
        if (root is not JsonObject json)
        {
            throw new CheckpointException(path, "the top level is not a JSON object");
        }
        return FromJson(json, path);
    }

    /// <summary>Builds a config from a parsed config.json; <paramref name="path"/> names it in errors.</summary>
    public static LlamaConfig FromJson(JsonObject json, string path)
    {
        var reader = new ConfigReader(json, path);
        var modelType = reader.OptionalString("model_type");
        if (modelType is not null && modelType != "llama")
        {
            throw new CheckpointException(path, $"model_type is \"{modelType}\", expected \"llama\"");
        }
        var act = reader.OptionalString("hidden_act") ?? "silu";
        if (act != "silu")
        {
            throw new CheckpointException(path, $"hidden_act is \"{act}\"; only \"silu\" (SwiGLU) is supported");
        }
        foreach (var biasKey in new[] { "attention_bias", "mlp_bias" })
        {
            if (reader.OptionalBool(biasKey) == true)
            {
                throw new CheckpointException(path, $"{biasKey} is true; only bias-free Llama projections are supported");
            }
        }

        int hidden = reader.RequiredInt("hidden_size");
        int heads = reader.RequiredInt("num_attention_heads");
        var ropeParameters = json["rope_parameters"] as JsonObject ?? json["rope_scaling"] as JsonObject;
        double? nestedTheta = ropeParameters is null ? null : new ConfigReader(ropeParameters, path, "rope_parameters.").OptionalDouble("rope_theta");
        double? topTheta = reader.OptionalDouble("rope_theta");
        if (nestedTheta is double a && topTheta is double b && a != b)
        {
            throw new CheckpointException(path, $"rope_theta ({b}) and rope_parameters.rope_theta ({a}) disagree");
        }

        var config = new LlamaConfig(
            VocabSize: reader.RequiredInt("vocab_size"),
            HiddenSize: hidden,
            IntermediateSize: reader.RequiredInt("intermediate_size"),
            NumHiddenLayers: reader.RequiredInt("num_hidden_layers"),
            NumAttentionHeads: heads,
            NumKeyValueHeads: reader.OptionalInt("num_key_value_heads") ?? heads,
            HeadDim: reader.OptionalInt("head_dim") ?? (heads > 0 ? hidden / heads : 0),
            RopeTheta: nestedTheta ?? topTheta ?? 10000.0,
            RmsNormEps: reader.OptionalDouble("rms_norm_eps") ?? 1e-6,
            MaxPositionEmbeddings: reader.OptionalInt("max_position_embeddings") ?? 2048,
            TieWordEmbeddings: reader.OptionalBool("tie_word_embeddings") ?? false,
            RopeScaling: ReadRopeScaling(ropeParameters, path),
            BosTokenId: reader.OptionalInt("bos_token_id"),
            EosTokenId: reader.OptionalInt("eos_token_id"),
            PadTokenId: reader.OptionalInt("pad_token_id"));
        var problems = config.Problems().ToList();
        if (problems.Count > 0)
        {
            throw new CheckpointException(path, string.Join("; ", problems));
        }
        return config;
    }

    /// <summary>The config as Hugging Face <c>config.json</c> text (<c>LlamaForCausalLM</c>, float32).</summary>
    public string ToJson()
    {
        var rope = new JsonObject { ["rope_theta"] = RopeTheta, ["rope_type"] = RopeScaling is null ? "default" : "llama3" };
        if (RopeScaling is { } s)
        {
            rope["factor"] = s.Factor;
            rope["low_freq_factor"] = s.LowFreqFactor;
            rope["high_freq_factor"] = s.HighFreqFactor;
            rope["original_max_position_embeddings"] = s.OriginalMaxPositions;
        }
        var json = new JsonObject
        {
            ["architectures"] = new JsonArray("LlamaForCausalLM"),
            ["model_type"] = "llama",
            ["attention_bias"] = false,
            ["attention_dropout"] = 0.0,
            ["mlp_bias"] = false,
            ["hidden_act"] = "silu",
            ["dtype"] = "float32",
            ["vocab_size"] = VocabSize,
            ["hidden_size"] = HiddenSize,
            ["intermediate_size"] = IntermediateSize,
            ["num_hidden_layers"] = NumHiddenLayers,
            ["num_attention_heads"] = NumAttentionHeads,
            ["num_key_value_heads"] = NumKeyValueHeads,
            ["head_dim"] = HeadDim,
            ["max_position_embeddings"] = MaxPositionEmbeddings,
            ["rms_norm_eps"] = RmsNormEps,
            ["rope_theta"] = RopeTheta,
            ["rope_parameters"] = rope,
            ["tie_word_embeddings"] = TieWordEmbeddings,
            ["bos_token_id"] = BosTokenId,
            ["eos_token_id"] = EosTokenId,
            ["pad_token_id"] = PadTokenId,
        };
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private IEnumerable<string> Problems()
    {
        foreach (var (name, value) in new[]
        {
            ("vocab_size", VocabSize), ("hidden_size", HiddenSize), ("intermediate_size", IntermediateSize),
            ("num_hidden_layers", NumHiddenLayers), ("num_attention_heads", NumAttentionHeads),
            ("num_key_value_heads", NumKeyValueHeads), ("head_dim", HeadDim), ("max_position_embeddings", MaxPositionEmbeddings),
        })
        {
            if (value <= 0)
            {
                yield return $"{name} must be positive (is {value})";
            }
        }
        if (NumKeyValueHeads > 0 && NumAttentionHeads % NumKeyValueHeads != 0)
        {
            yield return $"num_attention_heads ({NumAttentionHeads}) must be a multiple of num_key_value_heads ({NumKeyValueHeads})";
        }
        if (HeadDim % 2 != 0)
        {
            yield return $"head_dim ({HeadDim}) must be even for rotary positions";
        }
        if (!(RopeTheta > 0))
        {
            yield return $"rope_theta must be positive (is {RopeTheta})";
        }
        if (!(RmsNormEps > 0))
        {
            yield return $"rms_norm_eps must be positive (is {RmsNormEps})";
        }
        if (RopeScaling is { } s && (!(s.Factor > 0) || !(s.HighFreqFactor > s.LowFreqFactor) || s.LowFreqFactor <= 0 || s.OriginalMaxPositions <= 0))
        {
            yield return "rope_parameters (llama3) needs factor > 0, 0 < low_freq_factor < high_freq_factor and original_max_position_embeddings > 0";
        }
        foreach (var (name, id) in new[] { ("bos_token_id", BosTokenId), ("eos_token_id", EosTokenId), ("pad_token_id", PadTokenId) })
        {
            if (id is int i && (i < 0 || i >= VocabSize))
            {
                yield return $"{name} ({i}) is outside the vocabulary [0, {VocabSize})";
            }
        }
    }

    private static RopeScaling? ReadRopeScaling(JsonObject? rope, string path)
    {
        if (rope is null)
        {
            return null;
        }
        var reader = new ConfigReader(rope, path, "rope_parameters.");
        var type = reader.OptionalString("rope_type") ?? reader.OptionalString("type") ?? "default";
        return type switch
        {
            "default" => null,
            "llama3" => new RopeScaling(
                reader.RequiredDouble("factor"),
                reader.RequiredDouble("low_freq_factor"),
                reader.RequiredDouble("high_freq_factor"),
                reader.RequiredInt("original_max_position_embeddings")),
            _ => throw new CheckpointException(path, $"rope_parameters.rope_type \"{type}\" is not supported (default and llama3 are)"),
        };
    }

    /// <summary>Typed reads of config.json fields with errors that name the file and the key.</summary>
    private sealed class ConfigReader(JsonObject json, string path, string prefix = "")
    {
        public int RequiredInt(string key) => OptionalInt(key) ?? throw Missing(key);

        public double RequiredDouble(string key) => OptionalDouble(key) ?? throw Missing(key);

        public int? OptionalInt(string key)
        {
            var value = Value(key);
            if (value is null)
            {
                return null;
            }
            if (value.GetValueKind() == JsonValueKind.Number && value.TryGetValue(out long l) && l is >= int.MinValue and <= int.MaxValue)
            {
                return (int)l;
            }
            if (value.GetValueKind() == JsonValueKind.Number && value.TryGetValue(out double d) && d == Math.Floor(d) && Math.Abs(d) <= int.MaxValue)
            {
                return (int)d;
            }
            throw Wrong(key, "an integer", value);
        }

        public double? OptionalDouble(string key)
        {
            var value = Value(key);
            if (value is null)
            {
                return null;
            }
            return value.GetValueKind() == JsonValueKind.Number && value.TryGetValue(out double d) ? d : throw Wrong(key, "a number", value);
        }

        public bool? OptionalBool(string key)
        {
            var value = Value(key);
            if (value is null)
            {
                return null;
            }
            return value.GetValueKind() switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw Wrong(key, "true or false", value),
            };
        }

        public string? OptionalString(string key)
        {
            var value = Value(key);
            if (value is null)
            {
                return null;
            }
            return value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : throw Wrong(key, "a string", value);
        }

        private JsonValue? Value(string key) => json[key] switch
        {
            null => null,
            JsonValue v => v,
            var other => throw Wrong(key, "a single value", other),
        };

        private CheckpointException Missing(string key) => new(path, $"{prefix}{key} is missing");

        private CheckpointException Wrong(string key, string expected, JsonNode value) =>
            new(path, $"{prefix}{key} must be {expected}, not {value.ToJsonString()}");
    }
}
