namespace FedOrleans.Models.Llm;

/// <summary>
/// A checkpoint file (config.json, a safetensors file or its shard index) is missing, truncated, corrupt or
/// does not fit the model. The message names the file and what is wrong with it.
/// </summary>
public sealed class CheckpointException(string path, string problem)
    : Exception($"{path}: {problem}")
{
    public string FilePath { get; } = path;

    public string Problem { get; } = problem;
}
