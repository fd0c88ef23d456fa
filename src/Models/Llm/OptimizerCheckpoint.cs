using System.Text.Json;
using System.Text.Json.Nodes;
using FedOrleans.Models.Llm.Safetensors;
using FedOrleans.Models.Training;
using static TorchSharp.torch;

namespace FedOrleans.Models.Llm;

/// <summary>
/// Saves and restores a <see cref="LocalOptimizer"/>'s per-parameter state next to a model checkpoint:
/// <c>optimizer.safetensors</c> holds <c>first.NAME</c> / <c>second.NAME</c> (AdamW's moments) and a JSON
/// state file holds the step counts under <c>optimizer_steps</c> plus whatever the trainer adds.
/// </summary>
internal static class OptimizerCheckpoint
{
    public const string OptimizerFileName = "optimizer.safetensors";

    public static void Save(string folder, string stateFileName, LocalOptimizer optimizer, IReadOnlyList<string> names, JsonObject state)
    {
        var tensors = new List<(string, Tensor)>();
        var steps = new JsonObject();
        for (int i = 0; i < names.Count; i++)
        {
            var (first, second, count) = optimizer.StateOf(i);
            if (first is not null)
            {
                tensors.Add(("first." + names[i], first));
            }
            if (second is not null)
            {
                tensors.Add(("second." + names[i], second));
            }
            steps[names[i]] = count;
        }
        SafetensorsWriter.Write(Path.Combine(folder, OptimizerFileName), tensors);
        state["optimizer_steps"] = steps;
        File.WriteAllText(Path.Combine(folder, stateFileName), state.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Reads the state file (checked to be a JSON object) without touching the optimizer.</summary>
    public static JsonObject ReadState(string folder, string stateFileName)
    {
        var path = Path.Combine(folder, stateFileName);
        if (!File.Exists(path))
        {
            throw new CheckpointException(path, "no such file: not a checkpoint of this trainer");
        }
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new CheckpointException(path, "not a JSON object");
        }
        catch (JsonException e)
        {
            throw new CheckpointException(path, $"not valid JSON ({e.Message})");
        }
    }

    public static void Restore(string folder, string stateFileName, JsonObject state, LocalOptimizer optimizer, IReadOnlyList<(string Name, Tensor Like)> parameters)
    {
        var statePath = Path.Combine(folder, stateFileName);
        var steps = state["optimizer_steps"] as JsonObject ?? throw new CheckpointException(statePath, "no optimizer_steps object");
        var file = SafetensorsFile.Open(Path.Combine(folder, OptimizerFileName));
        for (int i = 0; i < parameters.Count; i++)
        {
            var (name, like) = parameters[i];
            using var scope = NewDisposeScope();
            Tensor? Read(string key)
            {
                if (!file.Entries.TryGetValue(key, out var entry))
                {
                    return null;
                }
                if (!entry.Shape.SequenceEqual(like.shape))
                {
                    throw new CheckpointException(file.Path, $"\"{key}\" has shape [{string.Join(", ", entry.Shape)}], the parameter [{string.Join(", ", like.shape)}]");
                }
                return tensor(file.ReadFloats(key), like.shape);
            }
            int count = steps[name] is JsonValue v && v.TryGetValue(out int c) ? c : throw new CheckpointException(statePath, $"no step count for \"{name}\"");
            optimizer.Restore(i, Read("first." + name), Read("second." + name), count);
        }
    }
}
