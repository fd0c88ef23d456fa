using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace FedOrleans.Client.Tests;

/// <summary>
/// Three silo processes with Redis membership and storage (a real redis-server on loopback), the
/// console as a fourth process; the silo running the experiment grain is killed with SIGKILL in the
/// middle of the experiment. The experiment must finish with every round, none lost.
/// </summary>
public sealed class FaultToleranceTests
{
    private static string P(int port) => port.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task Killing_the_coordinators_silo_mid_experiment_loses_no_round()
    {
        var folder = Cli.TempFolder();
        int redisPort = Silo.Hosting.FedOrleansHost.FreeTcpPort();
        var redisBinary = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("redis-server not found: install it (Debian: apt-get install redis-server); .ci/run does");
        using var redis = Process.Start(new ProcessStartInfo(redisBinary, ["--port", P(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        {
            RedirectStandardOutput = true,
        })!;
        var silos = new List<Cli.Running>();
        try
        {
            for (int i = 0; i < 3; i++)
            {
                silos.Add(Cli.StartSilo(folder, "--clustering", "redis", "--redis", $"127.0.0.1:{P(redisPort)}",
                    "--port", P(Silo.Hosting.FedOrleansHost.FreeTcpPort()), "--gateway-port", P(Silo.Hosting.FedOrleansHost.FreeTcpPort()), "--http-port", "0"));
            }
            await Task.WhenAll(silos.Select(s => s.WaitForOutputAsync("silo ready"))).WaitAsync(Cli.Patience);
            var spec = Cli.WriteSpec(folder, "killed", 12);
            File.WriteAllText(spec, File.ReadAllText(spec)
                .Replace("clients: 20, partition: dirichlet, alpha: 0.5", "clients: 30, partition: iid", StringComparison.Ordinal)
                .Replace("kind: logistic", "kind: mlp, hidden: [128]", StringComparison.Ordinal)
                .Replace("epochs: 1", "epochs: 2", StringComparison.Ordinal)
                .Replace("fraction_fit: 0.25, min_fit_clients: 5, min_results: 4", "fraction_fit: 1.0, min_fit_clients: 30, min_results: 10", StringComparison.Ordinal));
            await using var console = Cli.Start(folder, "run", spec, "--cluster", $"redis://127.0.0.1:{P(redisPort)}");
            await console.WaitForOutputAsync("round 2/12").WaitAsync(Cli.Patience);

            var coordinator = silos.FirstOrDefault(s => s.Output.Contains("killed starts", StringComparison.Ordinal))
                ?? throw new InvalidOperationException("no silo logged the experiment's start:\n" + string.Join("\n---\n", silos.Select(s => s.Output)));
            var killedAt = Stopwatch.StartNew();
            coordinator.Signal("KILL");
            var outcome = await console.WaitAsync(Cli.Patience);

            Assert.True(outcome.ExitCode == 0, $"the experiment should complete after losing a silo; console:\n{outcome}");
            Assert.Contains("resumed after round", outcome.Output);
            using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "results", "killed", "summary.json")));
            var rounds = summary.RootElement.GetProperty("rounds").EnumerateArray().Select(r => r.GetProperty("round").GetInt32()).ToList();
            Assert.Equal(Enumerable.Range(1, 12), rounds);
            Assert.True(summary.RootElement.GetProperty("resumes").GetInt32() >= 1);
            Console.WriteLine($"B6: experiment finished {killedAt.Elapsed.TotalSeconds:F1} s after the coordinator's silo was killed");
        }
        finally
        {
            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }
            redis.Kill();
        }
    }
}
