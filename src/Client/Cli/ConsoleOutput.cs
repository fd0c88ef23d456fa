using System.Globalization;
using FedOrleans.Client.Results;
using FedOrleans.Contracts;
using FedOrleans.Models.Specs;
using FedOrleans.Models.Specs.Yaml;
using Spectre.Console;

namespace FedOrleans.Client.Cli;

/// <summary>What the console prints: errors, progress lines, and the final table.</summary>
public static class ConsoleOutput
{
    public static void SpecErrors(string source, IReadOnlyList<SpecError> errors)
    {
        AnsiConsole.MarkupLine($"[red]{Markup.Escape(source)}: {errors.Count} error(s)[/]");
        var table = new Table().AddColumn("path").AddColumn("problem");
        foreach (var e in errors)
        {
            table.AddRow(Markup.Escape(e.Path), Markup.Escape(e.Message));
        }
        AnsiConsole.Write(table);
    }

    public static void Error(string message) => AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(message)}");

    /// <summary>One line per round: round, accuracy, loss, clients ok/failed, elapsed and ETA.</summary>
    public static string ProgressLine(ExperimentStatus s)
    {
        var r = s.LastRound;
        string metrics = r is null ? "" : string.Create(CultureInfo.InvariantCulture,
            $" acc {Fmt(r.TestAccuracy, "F4")} loss {Fmt(r.TestLoss, "F4")} clients {r.Received}/{r.Sampled} ok, {r.Failed} failed{(r.Accepted ? "" : " [round aborted]")}");
        double perRound = s.CompletedRounds > 0 ? s.ElapsedSeconds / s.CompletedRounds : double.NaN;
        double eta = perRound * (s.TotalRounds - s.CompletedRounds);
        return string.Create(CultureInfo.InvariantCulture,
            $"round {s.CompletedRounds}/{s.TotalRounds}{metrics} | {s.ElapsedSeconds:F1}s, ETA {Fmt(eta, "F0")}s{(s.Resumes > 0 ? $" | resumed {s.Resumes}x" : "")}");
    }

    public static void FinalTable(ExperimentReport report, string folder, RunTiming timing, bool reattached = false)
    {
        var evaluated = report.Rounds.Where(r => !double.IsNaN(r.TestAccuracy)).ToList();
        var table = new Table().Title($"{report.Status.ExperimentId}: {report.Status.Phase}").AddColumn("metric").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("rounds", $"{report.Status.CompletedRounds}/{report.Status.TotalRounds}");
        table.AddRow("strategy", Markup.Escape(report.Strategy));
        if (evaluated.Count > 0)
        {
            table.AddRow("final test accuracy", evaluated[^1].TestAccuracy.ToString("F4", CultureInfo.InvariantCulture));
            table.AddRow("final test loss", evaluated[^1].TestLoss.ToString("F4", CultureInfo.InvariantCulture));
            table.AddRow("best test accuracy", evaluated.Max(r => r.TestAccuracy).ToString("F4", CultureInfo.InvariantCulture));
        }
        table.AddRow("client failures", report.Rounds.Sum(r => r.Failed).ToString(CultureInfo.InvariantCulture));
        table.AddRow("aborted rounds", report.Rounds.Count(r => !r.Accepted).ToString(CultureInfo.InvariantCulture));
        table.AddRow("wall time", reattached
            ? string.Create(CultureInfo.InvariantCulture, $"{timing.WallSeconds:F1} s since re-attaching ({report.Status.ElapsedSeconds:F1} s of rounds in all)")
            : string.Create(CultureInfo.InvariantCulture, $"{timing.WallSeconds:F1} s"));
        if (timing.StartupSeconds is double startup)
        {
            table.AddRow("start-up (process start to round 1)", string.Create(CultureInfo.InvariantCulture, $"{startup:F1} s"));
        }
        table.AddRow("final weights SHA-256", report.FinalWeightsSha256[..16] + "...");
        table.AddRow("results", Markup.Escape(folder));
        if (report.Status.Error is not null)
        {
            table.AddRow("[red]error[/]", Markup.Escape(report.Status.Error));
        }
        AnsiConsole.Write(table);
    }

    private static string Fmt(double v, string format) => double.IsNaN(v) || double.IsInfinity(v) ? "-" : v.ToString(format, CultureInfo.InvariantCulture);
}
