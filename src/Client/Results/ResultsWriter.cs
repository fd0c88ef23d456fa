using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using FedOrleans.Contracts;
using FedOrleans.Models.Specs;

namespace FedOrleans.Client.Results;

/// <summary>
/// Writes an experiment's results folder: <c>summary.json</c>, <c>rounds.csv</c>, <c>clients.csv</c>
/// and <c>accuracy.png</c>. Called with whatever rounds finished, also after a cancel or a failure.
/// </summary>
public static class ResultsWriter
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public static async Task WriteAsync(string folder, ExperimentReport report, ExperimentSpec spec, string? clientsCsv,
        RunTiming timing, long consolePeakRss, string mode)
    {
        Directory.CreateDirectory(folder);
        // The plot (font and Skia loading, about 0.1 s the first time) is drawn beside the JSON and the tables.
        var plot = Task.Run(() => AccuracyPlot.Save(Path.Combine(folder, "accuracy.png"), spec.Name, report.Rounds));
        var evaluated = report.Rounds.Where(r => !double.IsNaN(r.TestAccuracy)).ToList();
        var final = evaluated.Count > 0 ? evaluated[^1] : null;
        var summary = new
        {
            ExperimentId = report.Status.ExperimentId,
            spec.Name,
            Phase = report.Status.Phase,
            report.Status.Error,
            Mode = mode,
            report.Strategy,
            SpecYaml = report.SpecYaml,
            Spec = spec,
            CompletedRounds = report.Status.CompletedRounds,
            TotalRounds = report.Status.TotalRounds,
            report.Status.Resumes,
            Final = final is null ? null : new { final.Round, final.TestAccuracy, final.TestLoss },
            BestTestAccuracy = evaluated.Count > 0 ? evaluated.Max(r => r.TestAccuracy) : double.NaN,
            WallSeconds = timing.WallSeconds,
            StartupSeconds = timing.StartupSeconds,
            RoundSecondsTotal = report.Status.ElapsedSeconds,
            PeakRssBytes = consolePeakRss,
            SiloPeakRssBytes = report.SiloPeakRssBytes,
            FinalWeightsSha256 = report.FinalWeightsSha256,
            Parameters = report.FinalWeights.Length / sizeof(float),
            Rounds = report.Rounds,
        };
        await File.WriteAllTextAsync(Path.Combine(folder, "summary.json"), JsonSerializer.Serialize(summary, Json));
        await File.WriteAllTextAsync(Path.Combine(folder, "rounds.csv"), RoundsCsv(report.Rounds));
        if (clientsCsv is not null)
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "clients.csv"), clientsCsv);
        }
        await plot;
    }

    public static string RoundsCsv(IEnumerable<RoundSummary> rounds)
    {
        var sb = new StringBuilder("round,sampled,received,failed,accepted,test_accuracy,test_loss,train_loss,seconds,aggregated_samples,status\n");
        foreach (var r in rounds)
        {
            sb.Append(CultureInfo.InvariantCulture,
                $"{r.Round},{r.Sampled},{r.Received},{r.Failed},{(r.Accepted ? 1 : 0)},{Num(r.TestAccuracy)},{Num(r.TestLoss)},{Num(r.TrainLoss)},{r.Seconds:F4},{r.AggregatedSamples},\"{r.Status.Replace("\"", "'", StringComparison.Ordinal)}\"\n");
        }
        return sb.ToString();
    }

    private static string Num(double v) => double.IsNaN(v) ? "" : v.ToString("R", CultureInfo.InvariantCulture);
}
