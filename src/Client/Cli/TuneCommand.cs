using System.CommandLine;
using System.Globalization;
using System.Text;
using FedOrleans.Client.Connection;
using FedOrleans.Contracts;
using FedOrleans.Models.Data;
using FedOrleans.Models.Specs;
using FedOrleans.Models.Specs.Yaml;
using FedOrleans.Models.Tuning;
using Spectre.Console;

namespace FedOrleans.Client.Cli;

/// <summary>
/// <c>fedorleans tune STUDY [--set optimizer=random] [--id ID] [--out DIR] [--cluster HOST:PORT]</c>: starts (or
/// re-attaches to) a hyper-parameter study on the tuner grain, shows a live table of its trials and the best so far,
/// and writes <c>results/&lt;id&gt;/trials.csv</c>.
/// </summary>
public static class TuneCommand
{
    /// <summary>How long one wait for the next finished trial lasts before the table is redrawn anyway.</summary>
    private static readonly TimeSpan PollTimeout = ExperimentRunner.PollTimeout;

    public static Command Create(CancellationToken stop)
    {
        var study = new Argument<FileInfo>("study") { Description = "study spec (YAML), e.g. experiments/asfgnn-tune-cora.yaml" };
        var cluster = CommonOptions.Cluster("silo gateway HOST:PORT; without it a silo runs inside this process");
        var set = new Option<string[]>("--set") { Description = "override a top-level study value, e.g. --set optimizer=random --set trials=10", AllowMultipleArgumentsPerToken = false };
        var output = new Option<DirectoryInfo?>("--out") { Description = "results folder (default results/<id>)" };
        var id = new Option<string?>("--id") { Description = "study id (default: the study's name)" };
        var data = CommonOptions.Data();
        var command = new Command("tune", "run a hyper-parameter study (each trial a federated experiment) and write results/<id>/trials.csv") { study, cluster, set, output, id, data };
        command.SetAction(async parse => await TuneAsync(parse.GetValue(study)!, parse.GetValue(cluster), parse.GetValue(set) ?? [], parse.GetValue(output), parse.GetValue(id), parse.GetValue(data), stop));
        return command;
    }

    private static async Task<int> TuneAsync(FileInfo studyFile, string? clusterAddress, string[] sets, DirectoryInfo? output, string? id, string? dataRoot, CancellationToken stop)
    {
        if (await InputFiles.ReadSpecAsync(studyFile.FullName, "study", stop) is not { } studyText)
        {
            return ExitCodes.BadInput;
        }
        string studyYaml;
        try
        {
            studyYaml = StudyParser.ApplyOverrides(studyText, sets);
        }
        catch (SpecException e)
        {
            ConsoleOutput.SpecErrors(studyFile.Name, e.Errors);
            return ExitCodes.BadInput;
        }
        var (spec, experimentPath, errors) = StudyParser.TryParse(studyYaml);
        if (spec is null)
        {
            ConsoleOutput.SpecErrors(studyFile.Name, errors);
            return ExitCodes.BadInput;
        }
        var experimentFile = Path.GetFullPath(experimentPath!, studyFile.DirectoryName!);
        if (await InputFiles.ReadSpecAsync(experimentFile, $"experiment '{experimentPath}' (from {studyFile.Name})", stop) is not { } experimentYaml)
        {
            return ExitCodes.BadInput;
        }
        var studyId = id ?? spec.Name;
        var cache = dataRoot is null ? DataCache.Default : new DataCache(dataRoot);
        return await new ClusterTarget(clusterAddress, cache.Root, "cpu").WithConnectionAsync(stop, async connection =>
        {
            var tuner = connection.Client.GetGrain<ITunerGrain>(studyId);
            TunerStatus status;
            try
            {
                status = await tuner.StartAsync(studyYaml, experimentYaml);
            }
            catch (Exception e) when (Refusals.IsRefusal(e))
            {
                ConsoleOutput.Error($"study {studyId} was not started: {e.Message}");
                return ExitCodes.ForRefusal(e);
            }
            AnsiConsole.MarkupLine($"[bold]{Markup.Escape(studyId)}[/]: {spec.Trials} trials, {spec.Parallel} at a time, {Markup.Escape(status.Optimizer)}, maximising the final validation accuracy of {Markup.Escape(Path.GetFileName(experimentFile))}");
            var table = new Table().AddColumns("trial", "configuration", "phase", "val acc", "test acc", "best so far", "s");
            try
            {
                if (AnsiConsole.Profile.Capabilities.Interactive)
                {
                    await AnsiConsole.Live(table).StartAsync(async ctx =>
                    {
                        Fill(table, status);
                        ctx.Refresh();
                        while (!status.IsFinished)
                        {
                            status = await tuner.WaitForAsync(status.Finished + 1, PollTimeout).WaitAsync(stop);
                            Fill(table, status);
                            ctx.Refresh();
                        }
                    });
                }
                else
                {
                    // Logs and pipes: one line per finished trial, then the table once.
                    int printed = 0;
                    while (true)
                    {
                        foreach (var t in status.Trials.Where(t => t.Phase != ExperimentPhase.Running && t.FinishOrder > printed).OrderBy(t => t.FinishOrder))
                        {
                            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                                $"trial {t.Number} {t.Phase}: validation {Num(t.ValidationAccuracy)}, test {Num(t.TestAccuracy)}, best so far {Num(t.BestSoFar)} ({status.Finished}/{status.Budget}) {string.Join(" ", t.Overrides)}"));
                            printed = t.FinishOrder;
                        }
                        if (status.IsFinished)
                        {
                            break;
                        }
                        status = await tuner.WaitForAsync(status.Finished + 1, PollTimeout).WaitAsync(stop);
                    }
                    Fill(table, status);
                    AnsiConsole.Write(table);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                AnsiConsole.MarkupLine($"detached; the study goes on in the cluster (run the same command to re-attach)");
                return ExitCodes.Cancelled;
            }
            var folder = output?.FullName ?? Path.Combine("results", studyId);
            Directory.CreateDirectory(folder);
            await File.WriteAllTextAsync(Path.Combine(folder, "trials.csv"), TrialsCsv(status), stop);
            await File.WriteAllTextAsync(Path.Combine(folder, "study.yaml"), studyYaml, stop);
            var best = status.Best;
            AnsiConsole.MarkupLine(best is null
                ? $"[red]{status.Phase}[/]: no trial finished with a validation accuracy{(status.Error is null ? "" : ": " + Markup.Escape(status.Error))}"
                : string.Create(CultureInfo.InvariantCulture, $"{status.Phase}: best trial {best.Number} ({Markup.Escape(string.Join(" ", best.Overrides))}) validation {best.ValidationAccuracy:F4}, test {best.TestAccuracy:F4}"));
            AnsiConsole.MarkupLine($"results: {Markup.Escape(folder)}/trials.csv");
            return status.Phase == ExperimentPhase.Completed ? ExitCodes.Ok : ExitCodes.ExperimentFailed;
        });
    }

    private static void Fill(Table table, TunerStatus status)
    {
        table.Rows.Clear();
        foreach (var t in status.Trials)
        {
            table.AddRow(
                t.Number.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(string.Join(" ", t.Overrides)),
                t.Phase.ToString(),
                Num(t.ValidationAccuracy),
                Num(t.TestAccuracy),
                Num(t.BestSoFar),
                t.Phase == ExperimentPhase.Running ? "" : t.Seconds.ToString("F0", CultureInfo.InvariantCulture));
        }
        table.Caption($"{status.Finished}/{status.Budget} finished" + (status.Best is { } b ? string.Create(CultureInfo.InvariantCulture, $", best validation {b.ValidationAccuracy:F4} (trial {b.Number})") : ""));
    }

    private static string Num(double v) => double.IsNaN(v) ? "-" : v.ToString("F4", CultureInfo.InvariantCulture);

    /// <summary>One row per trial in finishing order, with the best validation accuracy so far (the tuning curve).</summary>
    public static string TrialsCsv(TunerStatus status)
    {
        var sb = new StringBuilder("finished,trial,phase,validation_accuracy,test_accuracy,best_so_far,seconds,configuration\n");
        foreach (var t in status.Trials.Where(t => t.Phase != ExperimentPhase.Running).OrderBy(t => t.FinishOrder))
        {
            sb.Append(CultureInfo.InvariantCulture,
                $"{t.FinishOrder},{t.Number},{t.Phase},{Csv(t.ValidationAccuracy)},{Csv(t.TestAccuracy)},{Csv(t.BestSoFar)},{t.Seconds:F1},\"{string.Join(" ", t.Overrides)}\"\n");
        }
        return sb.ToString();
    }

    private static string Csv(double v) => double.IsNaN(v) ? "" : v.ToString("R", CultureInfo.InvariantCulture);
}
