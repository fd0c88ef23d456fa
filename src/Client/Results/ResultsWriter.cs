using System.Globalization;
using System.Text;
using FedOrleans.Contracts;
using FedOrleans.Models.Specs;

namespace FedOrleans.Client.Results;

/// <summary>
/// Writes an experiment's results folder: <c>summary.json</c>, <c>rounds.csv</c>, <c>clients.csv</c>
/// and <c>accuracy.png</c>. Called with whatever rounds finished, also after a cancel or a failure.
/// </summary>
public static class ResultsWriter
{
    public static async Task WriteAsync(string folder, ExperimentReport report, ExperimentSpec spec, string? clientsCsv,
        RunTiming timing, long consolePeakRss, string mode)
    {
        Directory.CreateDirectory(folder);
        // The plot (font and Skia loading, about 0.1 s the first time) is drawn beside the JSON and the tables.
        var plot = Task.Run(() => AccuracyPlot.Save(Path.Combine(folder, "accuracy.png"), spec.Name, report.Rounds));
        var evaluated = report.Rounds.Where(r => !double.IsNaN(r.TestAccuracy)).ToList();
        var final = evaluated.Count > 0 ? evaluated[^1] : null;
        var summary = new RunSummary(
            report.Status.ExperimentId, spec.Name, report.Status.Phase, report.Status.Error, mode, report.Strategy, report.SpecYaml, spec,
            report.Status.CompletedRounds, report.Status.TotalRounds, report.Status.Resumes,
            final is null ? null : new FinalEvaluation(final.Round, final.TestAccuracy, final.TestLoss),
            evaluated.Count > 0 ? evaluated.Max(r => r.TestAccuracy) : double.NaN,
            timing.WallSeconds, timing.StartupSeconds, report.Status.ElapsedSeconds, consolePeakRss, report.SiloPeakRssBytes,
            report.FinalWeightsSha256, report.FinalWeights.Length / sizeof(float), report.Rounds);
        await File.WriteAllTextAsync(Path.Combine(folder, "summary.json"), ResultsJson.Serialize(summary));
        await File.WriteAllTextAsync(Path.Combine(folder, "rounds.csv"), RoundsCsv(report.Rounds));
        if (clientsCsv is not null)
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "clients.csv"), clientsCsv);
        }
        await plot;
    }

    /// <summary>
    /// The first summary.json and plot of a process cost ~0.1-0.2 s of one-time work (serializer metadata, SkiaSharp,
    /// fonts, the JIT), all at the end of a run, after its rounds. <c>fedorleans run</c> calls this on a thread-pool
    /// thread while the silo starts, which leaves a core idle: that work is done there, on a made-up two-round result of
    /// <paramref name="spec"/>, and thrown away. Nothing depends on it; a failure here shows again where it matters.
    /// </summary>
    public static void WarmUp(ExperimentSpec spec)
    {
        try
        {
            RoundSummary[] rounds =
            [
                new(1, 1, 1, 0, true, "ok", 0.5, 1.0, 1.0, 0.1, 1, []),
                new(2, 1, 1, 0, true, "ok", 0.6, 0.9, 0.9, 0.1, 1, []),
            ];
            _ = ResultsJson.Serialize(new RunSummary(spec.Name, spec.Name, ExperimentPhase.Completed, null, "embedded", "", "", spec, 2, 2, 0,
                new FinalEvaluation(2, 0.6, 0.9), 0.6, 1, 1, 1, 0, 0, "", 0, rounds));
            _ = RoundsCsv(rounds);
            AccuracyPlot.WarmUp(spec.Name, rounds);
        }
        catch (Exception)
        {
            // Only a warm-up: the real summary and plot are written (or fail, with their own message) at the end.
        }
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
