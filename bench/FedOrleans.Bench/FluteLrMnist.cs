using System.Diagnostics;
using System.Globalization;
using System.Text;
using FedOrleans.Client.Cli;
using FedOrleans.Client.Connection;
using FedOrleans.Models.Data;

namespace FedOrleans.Bench;

/// <summary>
/// B1: FLUTE's LR-MNIST set-up (experiments/flute-lr-mnist.yaml) on an embedded silo, repeated; reports
/// wall time (silo start, data load and 100 rounds), round time, accuracy and peak RSS, and the ratio
/// to the published Flower 1.0 (30:14) and FLUTE (3:20) CPU times.
/// </summary>
public static class FluteLrMnist
{
    public const double FlowerSeconds = 30 * 60 + 14;
    public const double FluteSeconds = 3 * 60 + 20;

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var yaml = Repository.Experiment("flute-lr-mnist.yaml");
        await new DatasetFetcher(DataCache.Default).EnsureAsync(DatasetName.Mnist);
        var rows = new List<(double Wall, double Rounds, double Accuracy, string Hash)>();
        for (int repeat = 0; repeat < options.Repeats; repeat++)
        {
            var wall = Stopwatch.StartNew();
            await using var connection = await ClusterConnection.StartEmbeddedAsync(null, CancellationToken.None);
            var report = await ExperimentRunner.RunAsync(connection.Client, $"b1-{repeat}", yaml, _ => { }, CancellationToken.None);
            wall.Stop();
            rows.Add((wall.Elapsed.TotalSeconds, report.Status.ElapsedSeconds, report.Rounds[^1].TestAccuracy, report.FinalWeightsSha256));
            Console.Error.WriteLine($"repeat {repeat + 1}: wall {wall.Elapsed.TotalSeconds:F2} s, rounds {report.Status.ElapsedSeconds:F2} s, accuracy {report.Rounds[^1].TestAccuracy:F4}");
        }
        double peak = Process.GetCurrentProcess().PeakWorkingSet64 / 1024.0 / 1024.0;
        var median = rows.OrderBy(r => r.Wall).ElementAt(rows.Count / 2);
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"### B1 FLUTE LR-MNIST ({Repository.Machine()})");
        sb.AppendLine();
        sb.AppendLine("| repeat | wall s (start + data + 100 rounds) | 100 rounds s | test accuracy | final weights SHA-256 |");
        sb.AppendLine("| --- | --- | --- | --- | --- |");
        for (int i = 0; i < rows.Count; i++)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {i + 1} | {rows[i].Wall:F2} | {rows[i].Rounds:F2} | {rows[i].Accuracy:F4} | {rows[i].Hash[..16]}... |");
        }
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Median wall time {median.Wall:F2} s; peak RSS of the process {peak:F0} MiB (all repeats, one process).");
        sb.AppendLine(CultureInfo.InvariantCulture, $"Ratio: Flower 1.0 CPU 30:14 / FedOrleans = {FlowerSeconds / median.Wall:F0}x; FLUTE CPU 3:20 / FedOrleans = {FluteSeconds / median.Wall:F0}x (published times, hardware not stated).");
        options.Emit(sb.ToString());
        return rows.All(r => r.Accuracy >= 0.85) ? 0 : 1;
    }
}
