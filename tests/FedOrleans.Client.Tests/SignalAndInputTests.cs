namespace FedOrleans.Client.Tests;

/// <summary>
/// The console and the silo as a user meets them: clean output on success, signals, and bad input
/// (arguments, files, addresses, ports), each with the README's exit code and no stack trace.
/// </summary>
public sealed class SignalAndInputTests
{
    /// <summary>What a stack trace or a runtime log record looks like in the output.</summary>
    private static void AssertClean(Cli.Outcome outcome)
    {
        foreach (var marker in new[] { "fail:", "warn:", "crit:", "   at ", "Exception:", "Unhandled exception" })
        {
            Assert.False(outcome.Output.Contains(marker, StringComparison.Ordinal), $"'{marker}' in the console output:\n{outcome}");
        }
    }

    [Fact]
    public async Task A_successful_quickstart_sized_run_prints_progress_and_the_table_only()
    {
        var folder = Cli.TempFolder();
        var spec = Path.Combine(folder, "clean.yaml");
        // The quickstart's federation and model (100 clients, 10 a round, MLP 200-200) for a few rounds.
        File.WriteAllText(spec, File.ReadAllText(Path.Combine(Cli.RepositoryRoot, "experiments", "quickstart.yaml")).Replace("name: quickstart", "name: clean", StringComparison.Ordinal));
        var outcome = await Cli.RunAsync(folder, "run", spec, "--set", "rounds=4");
        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        Assert.Contains("round 4/4", outcome.Output);
        Assert.Contains("final test accuracy", outcome.Output);
        AssertClean(outcome);
        var log = Path.Combine(folder, "results", "clean", "silo.log");
        Assert.Contains("clean starts", File.ReadAllText(log));
        Assert.Contains("silo log: results/clean/silo.log", outcome.Output);
    }

    [Fact]
    public async Task A_silo_stops_gracefully_on_sigterm_and_names_a_taken_port_and_warns_when_exposed_without_credentials()
    {
        var folder = Cli.TempFolder();
        var (silo, gateway, _) = await Cli.StartReadySiloAsync(folder);
        await using var siloProcess = silo;

        // Its gateway port is taken: the second silo says which port and which option, and exits 2.
        var portText = gateway.ToString(System.Globalization.CultureInfo.InvariantCulture);
        static string Free() => Silo.Hosting.FedOrleansHost.FreeTcpPort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var clash = Cli.StartSilo(folder, "--gateway-port", portText, "--port", Free(), "--http-port", "0");
        var refused = await clash.WaitAsync(Cli.Patience);
        Assert.True(refused.ExitCode == 2, refused.ToString());
        Assert.Contains($"port {portText} (--gateway-port", refused.Output);
        Assert.Contains("already in use", refused.Output);
        AssertClean(refused);

        // Unknown experiments: status and cancel exit 2 and say so.
        var cluster = $"localhost:{portText}";
        foreach (var verb in new[] { "status", "cancel" })
        {
            var unknown = await Cli.RunAsync(folder, verb, "nosuch", "--cluster", cluster);
            Assert.True(unknown.ExitCode == 2, $"{verb}: {unknown}");
            Assert.Contains("no experiment 'nosuch'", unknown.Output);
        }

        silo.Signal("TERM");
        var stopped = await silo.WaitAsync(Cli.Patience);
        Assert.True(stopped.ExitCode == 0, stopped.ToString());
        Assert.Contains("silo stopped", stopped.Output);
        Assert.DoesNotContain("has not completed for", stopped.Output);
        Assert.DoesNotContain("WITHOUT authentication", stopped.Output);

        // Listening beyond loopback without credentials: a loud warning.
        await using var exposed = Cli.StartSilo(folder, "--http-address", "0.0.0.0", "--http-port", "0", "--port", Free(), "--gateway-port", Free());
        await exposed.WaitForOutputAsync("silo ready").WaitAsync(Cli.Patience);
        Assert.Contains("WARNING: /dashboard and /federation are served on 0.0.0.0", exposed.Output);
    }

    [Fact]
    public async Task Bad_arguments_and_files_exit_2_before_anything_runs()
    {
        var folder = Cli.TempFolder();
        var spec = Cli.WriteSpec(folder, "bad-input", 2);
        foreach (var args in new[] { Array.Empty<string>(), ["nosuchcommand"], ["run", spec, "--seeds", "abc"], ["run"] })
        {
            var outcome = await Cli.RunAsync(folder, args);
            Assert.True(outcome.ExitCode == 2, $"fedorleans {string.Join(' ', args)}: {outcome}");
            Assert.Contains("usage: fedorleans", outcome.Output);
            AssertClean(outcome);
        }

        // --out names a file: refused before the first round, nothing lost.
        var file = Path.Combine(folder, "taken");
        File.WriteAllText(file, "");
        var output = await Cli.RunAsync(folder, "run", spec, "--out", file);
        Assert.True(output.ExitCode == 2, output.ToString());
        Assert.Contains("is a file, not a folder", output.Output);
        Assert.DoesNotContain("round 1/2", output.Output);

        // A spec far over any real spec's size is refused before it is parsed.
        var huge = Path.Combine(folder, "huge.yaml");
        File.WriteAllText(huge, "name: huge\n# " + new string('x', 2 << 20) + "\n");
        var big = await Cli.RunAsync(folder, "run", huge);
        Assert.True(big.ExitCode == 2, big.ToString());
        Assert.Contains("specs are limited to 1 MiB", big.Output);
    }

    [Fact]
    public async Task Unreachable_clusters_exit_3_quickly_without_a_stack_trace()
    {
        var folder = Cli.TempFolder();
        var spec = Cli.WriteSpec(folder, "nowhere", 1);
        int closed = Silo.Hosting.FedOrleansHost.FreeTcpPort();
        var cases = new[]
        {
            (Address: "nosuchhost.invalid:30000", Says: "does not resolve"),
            (Address: $"127.0.0.1:{closed}", Says: "no FedOrleans cluster answered"),
            (Address: $"redis://127.0.0.1:{closed}", Says: "no Redis server answered"),
        };
        foreach (var (address, says) in cases)
        {
            var outcome = await Cli.RunAsync(folder, "run", spec, "--cluster", address);
            Assert.True(outcome.ExitCode == 3, $"{address}: {outcome}");
            Assert.Contains(says, outcome.Output);
            AssertClean(outcome);
        }
    }
}
