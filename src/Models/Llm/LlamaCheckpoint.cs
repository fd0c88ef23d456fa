using System.Text.Json;
using System.Text.Json.Nodes;
using FedOrleans.Models.Llm.Safetensors;
using static TorchSharp.torch;

namespace FedOrleans.Models.Llm;

/// <summary>
/// Hugging Face checkpoint folders: <c>config.json</c> plus <c>model.safetensors</c>, or plus
/// <c>model.safetensors.index.json</c> and the shards its <c>weight_map</c> names. Loading maps tensor names
/// one to one onto <see cref="LlamaForCausalLM"/>'s parameter names and fails, naming the file, on a missing
/// tensor, a tensor of the wrong shape or an unknown tensor. Saving writes the same layout, so transformers
/// (and anything else that reads safetensors) can load what FedOrleans trains.
/// </summary>
public static class LlamaCheckpoint
{
    public const string WeightsFileName = "model.safetensors";
    public const string IndexFileName = "model.safetensors.index.json";

    /// <summary>Reads config.json and the weights of the folder into a new model (the caller owns it).</summary>
    public static LlamaForCausalLM Load(string folder)
    {
        var config = LlamaConfig.Load(Path.Combine(folder, LlamaConfig.FileName));
        var model = new LlamaForCausalLM(config);
        try
        {
            LoadWeights(model, folder);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        return model;
    }

    /// <summary>Copies the folder's weights into <paramref name="model"/>'s parameters (on whatever device they live).</summary>
    public static void LoadWeights(LlamaForCausalLM model, string folder)
    {
        var sources = OpenWeights(folder);
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var unexpected = sources.Keys
            .Where(name => !parameters.ContainsKey(name) && !Ignorable(name, model.Config))
            .ToList();
        if (unexpected.Count > 0)
        {
            throw new CheckpointException(sources[unexpected[0]].Path,
                $"{unexpected.Count} tensor(s) the model does not have, e.g. {string.Join(", ", unexpected.Take(5).Select(n => '"' + n + '"'))}");
        }
        var missing = parameters.Keys.Where(name => !sources.ContainsKey(name)).ToList();
        if (missing.Count > 0)
        {
            throw new CheckpointException(Path.Combine(folder, File.Exists(Path.Combine(folder, IndexFileName)) ? IndexFileName : WeightsFileName),
                $"{missing.Count} weight(s) missing, e.g. {string.Join(", ", missing.Take(5).Select(n => '"' + n + '"'))}");
        }
        using var noGrad = no_grad();
        foreach (var (name, parameter) in parameters)
        {
            var file = sources[name];
            var entry = file.Entries[name];
            if (!entry.Shape.SequenceEqual(parameter.shape))
            {
                throw new CheckpointException(file.Path,
                    $"tensor \"{name}\" has shape [{string.Join(", ", entry.Shape)}], the model expects [{string.Join(", ", parameter.shape)}] (does config.json fit the weights?)");
            }
            using var values = tensor(file.ReadFloats(name), entry.Shape);
            parameter.copy_(values);
        }
    }

    /// <summary>
    /// Writes config.json and the weights to <paramref name="folder"/> (created if needed). With
    /// <paramref name="maxShardBytes"/> set, the weights are split into <c>model-0000i-of-0000n.safetensors</c>
    /// shards of at most that size (a single larger tensor gets a shard of its own) plus the index file.
    /// </summary>
    public static void Save(LlamaForCausalLM model, string folder, SafetensorsDType dtype = SafetensorsDType.F32, long? maxShardBytes = null)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, LlamaConfig.FileName), model.Config.ToJson());
        var tensors = model.named_parameters().Select(p => (p.name, (Tensor)p.parameter)).ToList();
        var metadata = new Dictionary<string, string> { ["format"] = "pt" };
        if (maxShardBytes is not long limit)
        {
            SafetensorsWriter.Write(Path.Combine(folder, WeightsFileName), tensors, dtype, metadata);
            File.Delete(Path.Combine(folder, IndexFileName));
            return;
        }
        int elementSize = SafetensorsEntry.ElementSize(dtype);
        var shards = new List<List<(string Name, Tensor Tensor)>> { new() };
        long current = 0;
        foreach (var item in tensors)
        {
            long bytes = item.Item2.numel() * elementSize;
            if (shards[^1].Count > 0 && current + bytes > limit)
            {
                shards.Add([]);
                current = 0;
            }
            shards[^1].Add(item);
            current += bytes;
        }
        var weightMap = new JsonObject();
        for (int i = 0; i < shards.Count; i++)
        {
            var name = $"model-{i + 1:D5}-of-{shards.Count:D5}.safetensors";
            SafetensorsWriter.Write(Path.Combine(folder, name), shards[i], dtype, metadata);
            foreach (var (tensorName, _) in shards[i])
            {
                weightMap[tensorName] = name;
            }
        }
        var index = new JsonObject
        {
            ["metadata"] = new JsonObject { ["total_size"] = tensors.Sum(t => t.Item2.numel() * elementSize) },
            ["weight_map"] = weightMap,
        };
        File.WriteAllText(Path.Combine(folder, IndexFileName), index.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Delete(Path.Combine(folder, WeightsFileName));
    }

    /// <summary>Tensor name to the (opened, checked) file that holds it: the single file, or every shard of the index.</summary>
    public static IReadOnlyDictionary<string, SafetensorsFile> OpenWeights(string folder)
    {
        var indexPath = Path.Combine(folder, IndexFileName);
        var result = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        if (!File.Exists(indexPath))
        {
            var file = SafetensorsFile.Open(Path.Combine(folder, WeightsFileName));
            foreach (var name in file.Entries.Keys)
            {
                result[name] = file;
            }
            return result;
        }
        JsonObject? weightMap;
        try
        {
            weightMap = JsonNode.Parse(File.ReadAllText(indexPath))?["weight_map"] as JsonObject;
        }
        catch (JsonException e)
        {
            throw new CheckpointException(indexPath, $"not valid JSON ({e.Message})");
        }
        if (weightMap is null)
        {
            throw new CheckpointException(indexPath, "no weight_map object");
        }
        var shards = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        foreach (var (name, node) in weightMap)
        {
            if (node?.GetValueKind() != JsonValueKind.String)
            {
                throw new CheckpointException(indexPath, $"weight_map entry \"{name}\" is not a file name");
            }
            var shardName = node.GetValue<string>();
            if (shardName.Contains('/') || shardName.Contains('\\') || shardName.Contains(".."))
            {
                throw new CheckpointException(indexPath, $"weight_map entry \"{name}\" points outside the folder: \"{shardName}\"");
            }
            if (!shards.TryGetValue(shardName, out var shard))
            {
                shard = SafetensorsFile.Open(Path.Combine(folder, shardName));
                shards[shardName] = shard;
            }
            if (!shard.Entries.ContainsKey(name))
            {
                throw new CheckpointException(shard.Path, $"the index says this shard holds \"{name}\", but it does not");
            }
            result[name] = shard;
        }
        return result;
    }

    /// <summary>Tensors a checkpoint may hold that the module computes instead: rotary caches, and a head tied to the embedding.</summary>
    private static bool Ignorable(string name, LlamaConfig config) =>
        name.EndsWith("rotary_emb.inv_freq", StringComparison.Ordinal) ||
        (config.TieWordEmbeddings && name == "lm_head.weight");
}
