using System.CommandLine;
using FedOrleans.Client.Connection;
using FedOrleans.Contracts;
using Spectre.Console;

namespace FedOrleans.Client.Cli;

/// <summary><c>fedorleans status ID | list | cancel ID</c> against a running cluster.</summary>
public static class ClusterCommands
{
    public static IEnumerable<Command> Create(CancellationToken stop)
    {
        var statusCluster = ClusterOption();
        var statusId = new Argument<string>("id") { Description = "experiment id" };
        var status = new Command("status", "show an experiment's progress on a cluster") { statusId, statusCluster };
        status.SetAction(async parse => await WithClusterAsync(parse.GetValue(statusCluster), stop, async client =>
        {
            var s = await client.GetGrain<IExperimentGrain>(GrainKeys.Experiment(parse.GetValue(statusId)!)).GetStatusAsync();
            if (s.Phase == ExperimentPhase.NotStarted)
            {
                ConsoleOutput.Error($"no experiment '{s.ExperimentId}' on this cluster; `fedorleans list` shows them");
                return ExitCodes.BadInput;
            }
            Console.WriteLine($"{s.ExperimentId}: {s.Phase} | {ConsoleOutput.ProgressLine(s)}{(s.Error is null ? "" : " | error: " + s.Error)}");
            return ExitCodes.Ok;
        }));

        var listCluster = ClusterOption();
        var list = new Command("list", "list the experiments on a cluster") { listCluster };
        list.SetAction(async parse => await WithClusterAsync(parse.GetValue(listCluster), stop, async client =>
        {
            var ids = await client.GetGrain<IExperimentRegistryGrain>(IExperimentRegistryGrain.Key).ListAsync();
            var table = new Table().AddColumn("id").AddColumn("phase").AddColumn("rounds").AddColumn("last accuracy");
            foreach (var id in ids)
            {
                var s = await client.GetGrain<IExperimentGrain>(GrainKeys.Experiment(id)).GetStatusAsync();
                table.AddRow(Markup.Escape(id), s.Phase.ToString(), $"{s.CompletedRounds}/{s.TotalRounds}",
                    s.LastRound is null || double.IsNaN(s.LastRound.TestAccuracy) ? "-" : s.LastRound.TestAccuracy.ToString("F4", System.Globalization.CultureInfo.InvariantCulture));
            }
            AnsiConsole.Write(table);
            return ExitCodes.Ok;
        }));

        var cancelCluster = ClusterOption();
        var cancelId = new Argument<string>("id") { Description = "experiment id" };
        var cancel = new Command("cancel", "cancel a running experiment; finished rounds are kept") { cancelId, cancelCluster };
        cancel.SetAction(async parse => await WithClusterAsync(parse.GetValue(cancelCluster), stop, async client =>
        {
            var grain = client.GetGrain<IExperimentGrain>(GrainKeys.Experiment(parse.GetValue(cancelId)!));
            if ((await grain.GetStatusAsync()).Phase == ExperimentPhase.NotStarted)
            {
                ConsoleOutput.Error($"no experiment '{parse.GetValue(cancelId)}' on this cluster; `fedorleans list` shows them");
                return ExitCodes.BadInput;
            }
            var s = await grain.CancelAsync();
            Console.WriteLine($"{s.ExperimentId}: {s.Phase} after {s.CompletedRounds} rounds");
            return ExitCodes.Ok;
        }));
        return [status, list, cancel];
    }

    private static Option<string?> ClusterOption() => CommonOptions.Cluster($"silo gateway HOST:PORT (default {ClusterAddress.Default})");

    private static async Task<int> WithClusterAsync(string? text, CancellationToken ct, Func<IClusterClient, Task<int>> action)
    {
        ClusterAddress address;
        try
        {
            address = text is null ? ClusterAddress.Default : ClusterAddress.Parse(text);
        }
        catch (FormatException e)
        {
            ConsoleOutput.Error(e.Message);
            return ExitCodes.BadInput;
        }
        try
        {
            await using var connection = await ClusterConnection.ConnectAsync(address, ct);
            return await action(connection.Client);
        }
        catch (ClusterUnavailableException e)
        {
            ConsoleOutput.Error(e.Message);
            return ExitCodes.ClusterUnavailable;
        }
    }
}
