namespace FedOrleans.Models.Data;

/// <summary>A data file is missing, truncated or not in the expected format. The message names the file and the problem.</summary>
public sealed class DataFormatException(string path, string problem)
    : Exception($"{path}: {problem}")
{
    public string FilePath { get; } = path;

    public string Problem { get; } = problem;
}
