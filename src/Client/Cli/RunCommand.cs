using System.CommandLine;
using System.Diagnostics;
using System.Text.RegularExpressions;
using FedOrleans.Client.Connection;
using FedOrleans.Client.Results;
using FedOrleans.Contracts;
using FedOrleans.Models.Data;
using FedOrleans.Models.Data.Partitioning;
using FedOrleans.Models.Graphs;
using FedOrleans.Models.Specs;
using FedOrleans.Models.Specs.Yaml;
using Spectre.Console;

namespace FedOrleans.Client.Cli;

/// <summary>
/// <c>fedorleans run SPEC [--cluster HOST:PORT] [--set key=value ...] [--out DIR] [--id ID]
/// [--sweep key=v1,v2 ...] [--seeds N]</c>. With a sweep or several seeds it runs every combination
/// for every seed and writes a comparison (mean and standard deviation per method) beside the runs.
/// </summary>
public static partial class RunCommand
{
    public static Command Create(CancellationToken stop)
    {
        var spec = new Argument<FileInfo>("spec") { Description = "experiment spec (YAML), e.g. experiments/quickstart.yaml" };
        var cluster = CommonOptions.Cluster("silo gateway HOST:PORT; without it a silo runs inside this process");
        var set = CommonOptions.Set();
        var output = new Option<DirectoryInfo?>("--out") { Description = "results folder (default results/<id>)" };
        var id = new Option<string?>("--id") { Description = "experiment id (default: the spec's name)" };
        var data = CommonOptions.Data();
        var sweep = new Option<string[]>("--sweep")
        {
            Description = "compare values of a setting, e.g. --sweep strategy.kind=fedmm,fedavg-gda,fedprox-gda (repeatable: the combinations are run)",
            AllowMultipleArgumentsPerToken = false,
        };
        var device = new Option<string>("--device") { Description = "device of the embedded silo: cpu or cuda (a silo started on its own takes its own --device)", DefaultValueFactory = _ => "cpu" };
        var fits = new Option<int>("--concurrent-fits") { Description = "fits at once in the embedded silo (default: cores)" };
        var seeds = new Option<int>("--seeds") { Description = "run each combination with this many seeds (seed, seed+1, ...)", DefaultValueFactory = _ => 1 };
        var command = new Command("run", "run an experiment (or a sweep) and write results/<id>/") { spec, cluster, set, output, id, data, sweep, seeds, device, fits };
        command.SetAction(async parse => await RunAsync(
            new RunRequest(parse.GetValue(spec)!, parse.GetValue(cluster), parse.GetValue(set) ?? [], parse.GetValue(output), parse.GetValue(id),
                parse.GetValue(data), parse.GetValue(sweep) ?? [], parse.GetValue(seeds), parse.GetValue(device)!, parse.GetValue(fits)), stop));
        return command;
    }

    private sealed record RunRequest(FileInfo SpecFile, string? Cluster, string[] Sets, DirectoryInfo? Output, string? Id, string? DataRoot, string[] Sweep, int Seeds,
        string Device, int ConcurrentFits);

    /// <summary>One experiment of a run or sweep: its method label (the swept values), seed, id, spec and canonical YAML.</summary>
    private sealed record Planned(string Method, ulong Seed, string Id, ExperimentSpec Spec, string Yaml);

    private static async Task<int> RunAsync(RunRequest request, CancellationToken stop)
    {
        if (request.Device is not ("cpu" or "cuda") || request.ConcurrentFits is < 0 or > 1024)
        {
            ConsoleOutput.Error($"--device must be cpu or cuda (is '{request.Device}') and --concurrent-fits 1..1024");
            return ExitCodes.BadInput;
        }
        if (request.Seeds is < 1 or > 1000)
        {
            ConsoleOutput.Error($"--seeds {request.Seeds}: allowed 1..1000");
            return ExitCodes.BadInput;
        }
        if (await InputFiles.ReadSpecAsync(request.SpecFile.FullName, "spec", stop) is not { } text)
        {
            return ExitCodes.BadInput;
        }
        var plan = Plan(text, request, out var planErrors);
        if (plan is null)
        {
            ConsoleOutput.SpecErrors(request.SpecFile.Name, planErrors);
            return ExitCodes.BadInput;
        }
        bool sweeping = plan.Count > 1;
        if (plan.Select(p => p.Id).FirstOrDefault(i => !IdPattern().IsMatch(i)) is { } badId)
        {
            ConsoleOutput.Error($"experiment id '{badId}' is not allowed; use 1-64 characters a-z, 0-9, '-', '_' (--id)");
            return ExitCodes.BadInput;
        }
        ClusterAddress? address = null;
        if (request.Cluster is not null)
        {
            try
            {
                address = ClusterAddress.Parse(request.Cluster);
            }
            catch (FormatException e)
            {
                ConsoleOutput.Error(e.Message);
                return ExitCodes.BadInput;
            }
        }
        var first = plan[0].Spec;
        var root = request.Output?.FullName ?? Path.Combine("results", sweeping ? $"{request.Id ?? first.Name}-sweep" : plan[0].Id);
        if (InputFiles.CheckWritableFolder(root) is { } problem)
        {
            ConsoleOutput.Error($"results folder: {problem}; choose another with --out (nothing was run)");
            return ExitCodes.BadInput;
        }
        var cache = request.DataRoot is null ? DataCache.Default : new DataCache(request.DataRoot);

        // Fetched here, with progress on the console, for an embedded silo (it shares this cache); a cluster's silos
        // fetch what they miss themselves.
        if (address is null && !await DataCommands.FetchWithProgressAsync(
                new DatasetFetcher(cache), plan.SelectMany(p => p.Spec.Workload.Datasets(p.Spec)).Distinct().ToList(), force: false, stop))
        {
            return ExitCodes.DataUnavailable;
        }

        // The results' one-time costs (serializer, plotting library) are paid while the silo starts (or the connection opens),
        // on the core that leaves idle.
        _ = Task.Run(() => ResultsWriter.WarmUp(plan[0].Spec), CancellationToken.None);
        ClusterConnection connection;
        try
        {
            connection = address is null
                ? await ClusterConnection.StartEmbeddedAsync(cache.Root, stop, request.Device, request.ConcurrentFits, Path.Combine(root, "silo.log"), ImageDatasets(plan))
                : await ClusterConnection.ConnectAsync(address, stop);
        }
        catch (ClusterUnavailableException e)
        {
            ConsoleOutput.Error(e.Message);
            return ExitCodes.ClusterUnavailable;
        }
        await using (connection)
        {
            if (connection.Dashboard is not null)
            {
                AnsiConsole.MarkupLine($"dashboard: {Markup.Escape(connection.Dashboard)} (silo log: {Markup.Escape(connection.LogFile!)})");
            }
            var reports = new List<(Planned Run, ExperimentReport Report)>();
            int exit = ExitCodes.Ok;
            foreach (var run in plan)
            {
                var folder = sweeping ? Path.Combine(root, run.Id) : root;
                var (code, report) = await RunOneAsync(connection, run, folder, first: run == plan[0], last: run == plan[^1], stop);
                exit = Math.Max(exit, code);
                if (report is not null)
                {
                    reports.Add((run, report));
                }
                if (code is ExitCodes.Cancelled or ExitCodes.BadInput)
                {
                    break;
                }
            }
            if (sweeping && reports.Count > 0)
            {
                var comparison = SweepComparison.Create(reports.Select(r => (r.Run.Method, r.Run.Seed, r.Report)).ToList());
                await comparison.WriteAsync(root, first.Name);
                comparison.Print(root);
            }
            return exit;
        }
    }

    /// <summary>Expands the sweep and seeds into validated experiments; null with every error otherwise.</summary>
    private static List<Planned>? Plan(string text, RunRequest request, out IReadOnlyList<SpecError> errors)
    {
        var axes = new List<(string Key, string[] Values)>();
        var problems = new List<SpecError>();
        foreach (var s in request.Sweep)
        {
            int eq = s.IndexOf('=');
            var values = eq > 0 ? s[(eq + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
            if (values.Length == 0)
            {
                problems.Add(new SpecError($"--sweep {s}", "must look like path.to.key=value1,value2"));
                continue;
            }
            axes.Add((s[..eq].Trim(), values));
        }
        var combinations = axes.Aggregate(
            (IEnumerable<List<(string Key, string Value)>>)[[]],
            (acc, axis) => acc.SelectMany(c => axis.Values.Select(v => new List<(string, string)>(c) { (axis.Key, v) })));
        var (baseSpec, baseErrors, _) = SpecParser.TryParse(text, request.Sets);
        if (baseSpec is null)
        {
            errors = [.. problems, .. baseErrors];
            return null;
        }
        var plan = new List<Planned>();
        foreach (var combination in combinations)
        {
            var method = combination.Count == 0 ? baseSpec.Name : string.Join(" ", combination.Select(c => $"{c.Key}={c.Value}"));
            for (int k = 0; k < request.Seeds; k++)
            {
                ulong seed = baseSpec.Seed + (ulong)k;
                var overrides = request.Sets.Concat(combination.Select(c => $"{c.Key}={c.Value}")).Append($"seed={seed}").ToList();
                var (spec, specErrors, yaml) = SpecParser.TryParse(text, overrides);
                if (spec is null)
                {
                    problems.AddRange(specErrors.Select(e => e with { Message = $"{e.Message} (with {method}, seed {seed})" }));
                    continue;
                }
                bool single = axes.Count == 0 && request.Seeds == 1;
                var id = single
                    ? request.Id ?? spec.Name
                    : Slug($"{request.Id ?? spec.Name}-{string.Join("-", combination.Select(c => c.Value))}-s{seed}");
                plan.Add(new Planned(method, seed, id, spec, yaml));
            }
        }
        errors = problems.DistinctBy(e => e.ToString()).ToList();
        return problems.Count == 0 ? plan : null;
    }

    /// <param name="first">The process's first run: its start-up time (process start to the first round) is reported.</param>
    /// <param name="last">The process's last run: once its results are fetched the connection starts to shut down, while
    /// the results are written (an embedded silo's stop takes about 0.2 s).</param>
    private static async Task<(int Code, ExperimentReport? Report)> RunOneAsync(ClusterConnection connection, Planned run, string folder, bool first, bool last,
        CancellationToken stop)
    {
        var spec = run.Spec;
        var wall = Stopwatch.StartNew();
        double? startup = null;
        var grain = connection.Client.GetGrain<IExperimentGrain>(GrainKeys.Experiment(run.Id));
        Task<string>? clientsCsv = null;
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(run.Id)}[/] on the {Markup.Escape(connection.Description)}: {spec.Rounds} rounds, {spec.TotalClients} clients, {Markup.Escape(spec.Describe())}");
        int printed = -1;
        ExperimentReport report;
        bool reattached = false;
        try
        {
            report = await ExperimentRunner.RunAsync(connection.Client, run.Id, run.Yaml, s =>
            {
                if (clientsCsv is null)
                {
                    // Started: the silo holds the workload now, so clients.csv is made from it while the rounds run (after
                    // the run the workload is dropped, and asking then would build it again).
                    startup = first ? (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalSeconds : null;
                    clientsCsv = grain.GetClientsCsvAsync();
                }
                if (s.Reattached && !reattached)
                {
                    reattached = true;
                    Console.WriteLine($"{run.Id} is already running on the {connection.Description} with this spec (after round {s.CompletedRounds}, "
                        + $"{s.ElapsedSeconds:F1} s of rounds): following it; the results will cover the whole run");
                }
                if (s.CompletedRounds != printed)
                {
                    printed = s.CompletedRounds;
                    Console.WriteLine(ConsoleOutput.ProgressLine(s));
                }
            }, stop, message => Console.WriteLine($"cluster: {message}"));
        }
        catch (Exception e) when (Refusals.IsRefusal(e))
        {
            // The cluster refused to start it: a used id, an impossible spec, missing data. Nothing ran, nothing to write.
            ConsoleOutput.Error($"{run.Id} was not started: {e.Message}");
            return (ExitCodes.ForRefusal(e), null);
        }
        wall.Stop();
        string clients;
        try
        {
            clients = await (clientsCsv ?? grain.GetClientsCsvAsync());
        }
        catch (Exception) when (clientsCsv is not null)
        {
            // The early request was lost with a silo during the run: the experiment grain answers again from where it resumed.
            clients = await grain.GetClientsCsvAsync();
        }
        if (last)
        {
            connection.BeginShutdown();
        }
        var timing = new RunTiming(wall.Elapsed.TotalSeconds, startup);
        await ResultsWriter.WriteAsync(folder, report, spec, clients, timing,
            Process.GetCurrentProcess().PeakWorkingSet64, connection.IsEmbedded ? "embedded" : connection.Description);
        ConsoleOutput.FinalTable(report, folder, timing, reattached);
        int code = report.Status.Phase switch
        {
            ExperimentPhase.Completed => ExitCodes.Ok,
            ExperimentPhase.Cancelled => ExitCodes.Cancelled,
            _ => ExitCodes.ExperimentFailed,
        };
        return (code, report);
    }

    /// <summary>The image datasets the plan trains on (source and target domains), for the embedded silo to load while it starts.</summary>
    private static List<DatasetName> ImageDatasets(IEnumerable<Planned> plan) => plan
        .SelectMany(p => p.Spec.Workload.ImageDatasets(p.Spec))
        .Distinct()
        .ToList();

    private static string Slug(string text)
    {
        var slug = SlugPattern().Replace(text.ToLowerInvariant(), "-").Trim('-');
        return slug.Length <= 64 ? slug : slug[..64].TrimEnd('-');
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("[^a-z0-9_-]+")]
    private static partial Regex SlugPattern();
}
