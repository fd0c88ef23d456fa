using System.Text.Json;

namespace FedOrleans.Client.Tests;

public sealed class RunCommandTests
{
    [Fact]
    public async Task An_embedded_run_writes_every_result_file()
    {
        var folder = Cli.TempFolder();
        var spec = Cli.WriteSpec(folder, "cli-run", 3);
        var outcome = await Cli.RunAsync(folder, "run", spec, "--set", "seed=6");
        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        Assert.Contains("round 3/3", outcome.Output);
        Assert.Contains("final test accuracy", outcome.Output);

        var results = Path.Combine(folder, "results", "cli-run");
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(results, "summary.json")));
        var root = summary.RootElement;
        Assert.Equal("completed", root.GetProperty("phase").GetString());
        Assert.Equal(3, root.GetProperty("rounds").GetArrayLength());
        Assert.Equal(6UL, root.GetProperty("spec").GetProperty("seed").GetUInt64());
        Assert.Matches("^[0-9a-f]{64}$", root.GetProperty("final_weights_sha256").GetString());
        Assert.True(root.GetProperty("final").GetProperty("test_accuracy").GetDouble() > 0.7);
        Assert.True(root.GetProperty("peak_rss_bytes").GetInt64() > 0);
        Assert.True(root.GetProperty("wall_seconds").GetDouble() > 0);

        var rounds = File.ReadAllLines(Path.Combine(results, "rounds.csv"));
        Assert.Equal(4, rounds.Length);
        Assert.StartsWith("round,sampled,received,failed,accepted,test_accuracy", rounds[0]);
        var clients = File.ReadAllLines(Path.Combine(results, "clients.csv"));
        Assert.Equal(21, clients.Length);
        Assert.Equal(60_000, clients.Skip(1).Sum(l => int.Parse(l.Split(',')[2])));
        var png = File.ReadAllBytes(Path.Combine(results, "accuracy.png"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
    }

    [Fact]
    public async Task A_bad_spec_lists_every_error_and_exits_non_zero()
    {
        var folder = Cli.TempFolder();
        var spec = Cli.WriteSpec(folder, "bad", 3);
        var outcome = await Cli.RunAsync(folder, "run", spec, "--set", "federation.alpha=-2", "--set", "strategy.kind=fedmagic", "--set", "rounds=x");
        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains("3 error(s)", outcome.Output);
        Assert.Contains("federation.alpha", outcome.Output);
        Assert.Contains("allowed: fedavg, fedprox, fedavgm, fedadam, fedmm", outcome.Output);
        Assert.Contains("'x' is not an integer", outcome.Output);
        Assert.False(Directory.Exists(Path.Combine(folder, "results")));

        var missing = await Cli.RunAsync(folder, "run", Path.Combine(folder, "nope.yaml"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("not found", missing.Output);
    }

    [Fact]
    public async Task Bad_and_unreachable_cluster_addresses_get_clear_messages()
    {
        var folder = Cli.TempFolder();
        var spec = Cli.WriteSpec(folder, "addr", 1);
        var bad = await Cli.RunAsync(folder, "run", spec, "--cluster", "localhost:99999");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("is not a port", bad.Output);
        var scheme = await Cli.RunAsync(folder, "status", "x", "--cluster", "http://localhost:6379");
        Assert.Equal(2, scheme.ExitCode);
        Assert.Contains("'http://' form is not supported", scheme.Output);
        var port = Silo.Hosting.FedOrleansHost.FreeTcpPort();
        var unreachable = await Cli.RunAsync(folder, "list", "--cluster", $"127.0.0.1:{port}");
        Assert.Equal(3, unreachable.ExitCode);
        Assert.Contains($"no FedOrleans cluster answered at 127.0.0.1:{port}", unreachable.Output);
    }

    /// <summary>Ctrl-C (SIGINT) and SIGTERM (timeout, docker stop, Kubernetes) cancel alike; the exit code says which.</summary>
    [Theory]
    [InlineData("INT", 130, "Ctrl-C")]
    [InlineData("TERM", 143, "SIGTERM")]
    public async Task A_signal_cancels_the_experiment_and_keeps_the_finished_rounds(string signal, int exitCode, string named)
    {
        var folder = Cli.TempFolder();
        var spec = Cli.WriteSpec(folder, "interrupted", 500);
        await using var run = Cli.Start(folder, "run", spec);
        await run.WaitForOutputAsync("round 2/500").WaitAsync(Cli.Patience);
        run.Signal(signal);
        var outcome = await run.WaitAsync(Cli.Patience);
        Assert.True(outcome.ExitCode == exitCode, outcome.ToString());
        Assert.Contains($"stopping ({named})", outcome.Output);
        Assert.Contains("Cancelled", outcome.Output);
        Assert.DoesNotContain("   at ", outcome.Output);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "results", "interrupted", "summary.json")));
        int completed = summary.RootElement.GetProperty("completed_rounds").GetInt32();
        Assert.InRange(completed, 2, 499);
        Assert.Equal(completed, summary.RootElement.GetProperty("rounds").GetArrayLength());
        Assert.Equal(completed + 1, File.ReadAllLines(Path.Combine(folder, "results", "interrupted", "rounds.csv")).Length);
    }

    [Fact]
    public async Task A_separate_silo_process_runs_experiments_for_the_console()
    {
        var folder = Cli.TempFolder();
        var (silo, gateway, _) = await Cli.StartReadySiloAsync(folder);
        await using var siloProcess = silo;
        var cluster = $"localhost:{gateway}";
        var spec = Cli.WriteSpec(folder, "remote", 2);
        var run = await Cli.RunAsync(folder, "run", spec, "--cluster", cluster);
        Assert.True(run.ExitCode == 0, run + "\nsilo:\n" + silo.Output);
        Assert.Contains($"cluster at {cluster}", run.Output);
        var list = await Cli.RunAsync(folder, "list", "--cluster", cluster);
        Assert.Contains("remote", list.Output);
        Assert.Contains("Completed", list.Output);
        var status = await Cli.RunAsync(folder, "status", "remote", "--cluster", cluster);
        Assert.Contains("remote: Completed", status.Output);
        var unknown = await Cli.RunAsync(folder, "status", "nobody", "--cluster", cluster);
        Assert.Equal(2, unknown.ExitCode);
    }

    [Fact]
    public async Task A_corrupt_dataset_file_is_named_and_nothing_crashes()
    {
        var folder = Cli.TempFolder();
        var cache = Path.Combine(folder, "cache");
        var fetch = await Cli.RunAsync(folder, "data", "fetch", "mnist", "--data", cache);
        Assert.True(fetch.ExitCode == 0, fetch.ToString());
        var labels = Path.Combine(cache, "mnist", "train-labels-idx1-ubyte");
        var bytes = File.ReadAllBytes(labels);
        // A label still in range: the file has the right size and format, only its content is wrong.
        bytes[8 + 77] = (byte)((bytes[8 + 77] + 1) % 10);
        File.WriteAllBytes(labels, bytes);
        var outcome = await Cli.RunAsync(folder, "run", Cli.WriteSpec(folder, "corrupt", 1), "--data", cache);
        Assert.True(outcome.ExitCode == 4, outcome.ToString());
        Assert.Contains(labels, outcome.Output);
        Assert.Contains("does not match the catalog's", outcome.Output);
        Assert.Contains("data fetch mnist --force", outcome.Output);
        Assert.DoesNotContain("round 1/1", outcome.Output);
        Assert.DoesNotContain("Unhandled exception", outcome.Output);
        var list = await Cli.RunAsync(folder, "data", "list", "--data", cache);
        Assert.Matches("mnist .*changed", list.Output);

        // A bad IDX header in a file of the right size is refused the same way: data unavailable, exit 4.
        await Cli.RunAsync(folder, "data", "fetch", "mnist", "--force", "--data", cache);
        var images = Path.Combine(cache, "mnist", "t10k-images-idx3-ubyte");
        var header = File.ReadAllBytes(images);
        header[3] = 0x55;
        File.WriteAllBytes(images, header);
        var magic = await Cli.RunAsync(folder, "run", Cli.WriteSpec(folder, "magic", 1), "--data", cache);
        Assert.True(magic.ExitCode == 4, magic.ToString());
        Assert.Contains(images, magic.Output);
    }

    [Fact]
    public async Task A_sweep_runs_every_method_and_seed_and_writes_one_comparison()
    {
        var folder = Cli.TempFolder();
        var spec = Cli.WriteSpec(folder, "swept", 2);
        var outcome = await Cli.RunAsync(folder, "run", spec, "--sweep", "strategy.kind=fedavg,fedprox", "--seeds", "2");
        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        var root = Path.Combine(folder, "results", "swept-sweep");
        foreach (var run in new[] { "swept-fedavg-s5", "swept-fedavg-s6", "swept-fedprox-s5", "swept-fedprox-s6" })
        {
            Assert.True(File.Exists(Path.Combine(root, run, "summary.json")), $"{run} has no summary.json\n{outcome}");
        }
        var table = File.ReadAllText(Path.Combine(root, "comparison.md"));
        Assert.Contains("| strategy.kind=fedavg |", table);
        Assert.Contains("| strategy.kind=fedprox |", table);
        Assert.Contains("5: 0.", table);
        Assert.Contains("6: 0.", table);
        var csv = File.ReadAllLines(Path.Combine(root, "comparison.csv"));
        Assert.Equal(1 + 2 * 2, csv.Length); // two methods x two evaluated rounds
        Assert.All(csv.Skip(1), line => Assert.EndsWith(",2", line));
        Assert.True(new FileInfo(Path.Combine(root, "comparison.png")).Length > 1000);
    }

    [Fact]
    public async Task A_console_restarted_mid_experiment_re_attaches_to_it()
    {
        var folder = Cli.TempFolder();
        var (silo, gateway, _) = await Cli.StartReadySiloAsync(folder);
        await using var siloProcess = silo;
        var spec = Cli.WriteSpec(folder, "reattach", 40);
        await using (var first = Cli.Start(folder, "run", spec, "--cluster", $"localhost:{gateway}"))
        {
            await first.WaitForOutputAsync("round 3/40").WaitAsync(Cli.Patience);
            first.Signal("KILL");
            await first.WaitAsync(Cli.Patience);
        }
        // The same command again: the cluster kept running the experiment, the new console follows it.
        var second = await Cli.RunAsync(folder, "run", spec, "--cluster", $"localhost:{gateway}");
        Assert.True(second.ExitCode == 0, second + "\nsilo:\n" + silo.Output);
        Assert.Contains("reattach is already running", second.Output);
        Assert.Contains("since re-attaching", second.Output);
        var firstLine = second.Output.Split('\n').First(l => l.StartsWith("round ", StringComparison.Ordinal));
        Assert.DoesNotContain("round 0/40", firstLine);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "results", "reattach", "summary.json")));
        Assert.Equal(Enumerable.Range(1, 40), summary.RootElement.GetProperty("rounds").EnumerateArray().Select(r => r.GetProperty("round").GetInt32()));
    }

    [Fact]
    public async Task The_dashboard_and_federation_page_can_require_basic_authentication_while_healthz_stays_open()
    {
        var folder = Cli.TempFolder();
        var (silo, _, http) = await Cli.StartReadySiloAsync(folder, "--dashboard-user", "ada", "--dashboard-password", "s3cret");
        await using var siloProcess = silo;
        using var http1 = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http.ToString(System.Globalization.CultureInfo.InvariantCulture)}") };
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http1.GetAsync("/healthz")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await http1.GetAsync("/dashboard/")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await http1.GetAsync("/federation")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await http1.GetAsync("/federation/api/experiments")).StatusCode);
        http1.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String("ada:wrong"u8.ToArray()));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await http1.GetAsync("/dashboard/")).StatusCode);
        http1.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String("ada:s3cret"u8.ToArray()));
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http1.GetAsync("/dashboard/")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http1.GetAsync("/federation")).StatusCode);

        await using var half = Cli.StartSilo(folder, "--dashboard-user", "ada");
        var refused = await half.WaitAsync(Cli.Patience);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--dashboard-user and --dashboard-password", refused.Output);
    }
}
