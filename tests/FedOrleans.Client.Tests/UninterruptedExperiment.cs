using System.Text.Json;

namespace FedOrleans.Client.Tests;

/// <summary>
/// The fault tests' reference: their experiment spec, run once without any interruption in the console's
/// embedded silo (a single silo), for the final weights' SHA-256 that every interrupted run must reproduce.
/// </summary>
public sealed class UninterruptedExperiment
{
    public const int Rounds = 12;

    private readonly Lazy<Task<string>> _sha256;

    public UninterruptedExperiment() => _sha256 = new(RunAsync);

    /// <summary>The uninterrupted run's <c>final_weights_sha256</c> (run on first use).</summary>
    public Task<string> FinalWeightsSha256 => _sha256.Value;

    /// <summary>Long enough rounds to kill a silo in the middle: 30 clients, all fitting each round, an MLP for 2 epochs.</summary>
    public static string WriteSpec(string folder, string name)
    {
        var spec = Cli.WriteSpec(folder, name, Rounds);
        File.WriteAllText(spec, File.ReadAllText(spec)
            .Replace("clients: 20, partition: dirichlet, alpha: 0.5", "clients: 30, partition: iid", StringComparison.Ordinal)
            .Replace("kind: logistic", "kind: mlp, hidden: [128]", StringComparison.Ordinal)
            .Replace("epochs: 1", "epochs: 2", StringComparison.Ordinal)
            .Replace("fraction_fit: 0.25, min_fit_clients: 5, min_results: 4", "fraction_fit: 1.0, min_fit_clients: 30, min_results: 10", StringComparison.Ordinal));
        return spec;
    }

    /// <summary>The rounds and final weights' SHA-256 of a run's summary.json.</summary>
    public static (IReadOnlyList<int> Rounds, int Resumes, string Sha256, string Failures) ReadSummary(string folder)
    {
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")));
        var root = summary.RootElement;
        var rounds = root.GetProperty("rounds").EnumerateArray().ToList();
        var failures = string.Join("; ", rounds.Where(r => r.GetProperty("failed").GetInt32() > 0)
            .Select(r => $"round {r.GetProperty("round").GetInt32()}: {r.GetProperty("failed").GetInt32()} failed ({r.GetProperty("failures")})"));
        return (rounds.Select(r => r.GetProperty("round").GetInt32()).ToList(), root.GetProperty("resumes").GetInt32(),
            root.GetProperty("final_weights_sha256").GetString()!, failures);
    }

    private static async Task<string> RunAsync()
    {
        var folder = Cli.TempFolder();
        var spec = WriteSpec(folder, "uninterrupted");
        var run = await Cli.RunAsync(folder, "run", spec);
        Assert.True(run.ExitCode == 0, $"the uninterrupted reference run failed:\n{run}");
        var (rounds, resumes, sha256, failures) = ReadSummary(Path.Combine(folder, "results", "uninterrupted"));
        Assert.Equal(Enumerable.Range(1, Rounds), rounds);
        Assert.True(resumes == 0 && failures.Length == 0, $"the reference run was interrupted: {resumes} resumes, failures: {failures}");
        return sha256;
    }
}
