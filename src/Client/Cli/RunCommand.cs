using System.CommandLine;
using System.Diagnostics;
using FedOrleans.Client.Connection;
using FedOrleans.Client.Results;
using FedOrleans.Models.Data;
using FedOrleans.Models.Data.Partitioning;
using FedOrleans.Models.Specs;
using Spectre.Console;

namespace FedOrleans.Client.Cli;

/// <summary><c>fedorleans run SPEC [--cluster HOST:PORT] [--set key=value ...] [--out DIR] [--id ID]</c>.</summary>
public static class RunCommand
{
    public static Command Create(CancellationToken stop)
    {
        var spec = new Argument<FileInfo>("spec") { Description = "experiment spec (YAML), e.g. experiments/quickstart.yaml" };
        var cluster = CommonOptions.Cluster("silo gateway HOST:PORT; without it a silo runs inside this process");
        var set = CommonOptions.Set();
        var output = new Option<DirectoryInfo?>("--out") { Description = "results folder (default results/<id>)" };
        var id = new Option<string?>("--id") { Description = "experiment id (default: the spec's name)" };
        var data = CommonOptions.Data();
        var command = new Command("run", "run an experiment and write results/<id>/") { spec, cluster, set, output, id, data };
        command.SetAction(async parse => await RunAsync(
            parse.GetValue(spec)!, parse.GetValue(cluster), parse.GetValue(set) ?? [], parse.GetValue(output), parse.GetValue(id), parse.GetValue(data), stop));
        return command;
    }

    private static async Task<int> RunAsync(FileInfo specFile, string? clusterText, string[] sets, DirectoryInfo? output, string? idOption, string? dataRoot, CancellationToken stop)
    {
        if (!specFile.Exists)
        {
            ConsoleOutput.Error($"spec file '{specFile.FullName}' not found; see experiments/ for examples");
            return ExitCodes.BadInput;
        }
        var (spec, errors, canonical) = SpecParser.TryParse(await File.ReadAllTextAsync(specFile.FullName, stop), sets);
        if (spec is null)
        {
            ConsoleOutput.SpecErrors(specFile.Name, errors);
            return ExitCodes.BadInput;
        }
        var experimentId = idOption ?? spec.Name;
        if (!System.Text.RegularExpressions.Regex.IsMatch(experimentId, "^[a-z0-9][a-z0-9_-]{0,63}$"))
        {
            ConsoleOutput.Error($"--id '{experimentId}' is not allowed; use 1-64 characters a-z, 0-9, '-', '_'");
            return ExitCodes.BadInput;
        }
        ClusterAddress? address = null;
        if (clusterText is not null)
        {
            try
            {
                address = ClusterAddress.Parse(clusterText);
            }
            catch (FormatException e)
            {
                ConsoleOutput.Error(e.Message);
                return ExitCodes.BadInput;
            }
        }
        var folder = output?.FullName ?? Path.Combine("results", experimentId);
        var cache = dataRoot is null ? DataCache.Default : new DataCache(dataRoot);
        var wall = Stopwatch.StartNew();

        // The console needs the labels for clients.csv; an embedded silo shares this cache.
        if (!await DataCommands.FetchWithProgressAsync(new DatasetFetcher(cache), [spec.Dataset], force: false, stop))
        {
            return ExitCodes.DataUnavailable;
        }
        int numClasses = DatasetCatalog.Get(spec.Dataset).NumClasses;
        int[] labels;
        Partition partition;
        try
        {
            labels = DatasetLoader.LoadTrainLabels(spec.Dataset, cache);
            partition = Partitioner.Create(spec.Federation, labels, numClasses);
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

        ClusterConnection connection;
        try
        {
            connection = address is null
                ? await ClusterConnection.StartEmbeddedAsync(cache.Root, stop)
                : await ClusterConnection.ConnectAsync(address, stop);
        }
        catch (ClusterUnavailableException e)
        {
            ConsoleOutput.Error(e.Message);
            return ExitCodes.ClusterUnavailable;
        }
        await using (connection)
        {
            AnsiConsole.MarkupLine($"[bold]{Markup.Escape(experimentId)}[/] on the {Markup.Escape(connection.Description)}: {spec.Rounds} rounds, {spec.Federation.Clients} clients, {Markup.Escape(spec.Model.ToString())} on {spec.Dataset}");
            if (connection.Dashboard is not null)
            {
                AnsiConsole.MarkupLine($"dashboard: {Markup.Escape(connection.Dashboard)}");
            }
            int printed = -1;
            Contracts.ExperimentReport report;
            try
            {
                report = await ExperimentRunner.RunAsync(connection.Client, experimentId, canonical, s =>
                {
                    if (s.CompletedRounds != printed)
                    {
                        printed = s.CompletedRounds;
                        Console.WriteLine(ConsoleOutput.ProgressLine(s));
                    }
                }, stop);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                // The cluster refused to start it: a used id, data it cannot read. Nothing ran, nothing to write.
                ConsoleOutput.Error($"{experimentId} was not started: {e.Message}");
                return e is ArgumentException ? ExitCodes.BadInput : ExitCodes.ExperimentFailed;
            }
            wall.Stop();
            await ResultsWriter.WriteAsync(folder, report, spec, partition, labels, numClasses, wall.Elapsed.TotalSeconds,
                Process.GetCurrentProcess().PeakWorkingSet64, connection.IsEmbedded ? "embedded" : connection.Description);
            ConsoleOutput.FinalTable(report, folder, wall.Elapsed.TotalSeconds);
            return report.Status.Phase switch
            {
                Contracts.ExperimentPhase.Completed => ExitCodes.Ok,
                Contracts.ExperimentPhase.Cancelled => ExitCodes.Cancelled,
                _ => ExitCodes.ExperimentFailed,
            };
        }
    }
}
