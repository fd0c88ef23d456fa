using System.CommandLine;

namespace FedOrleans.Client.Cli;

/// <summary>Options several commands share.</summary>
public static class CommonOptions
{
    public static Option<string?> Cluster(string description) => new("--cluster") { Description = description };

    public static Option<string[]> Set() => new("--set")
    {
        Description = "override a spec value, e.g. --set rounds=5 --set federation.alpha=0.1 (repeatable)",
        AllowMultipleArgumentsPerToken = false,
    };

    public static Option<string?> Data() => new("--data")
    {
        Description = $"dataset cache folder (default ${Models.Data.DataCache.EnvironmentVariable} or ~/.cache/fedorleans)",
    };
}
