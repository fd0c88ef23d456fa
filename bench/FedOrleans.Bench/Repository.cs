namespace FedOrleans.Bench;

/// <summary>Finds files of the repository the benchmark runs from.</summary>
public static class Repository
{
    public static string Root()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "FedOrleans.sln")))
        {
            dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("run the benchmarks from inside the FedOrleans repository");
        }
        return dir;
    }

    public static string Experiment(string file) => File.ReadAllText(Path.Combine(Root(), "experiments", file));

    public static string Machine() =>
        $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd}";
}
