using System.Diagnostics;
using System.Globalization;
using System.Text;
using FedOrleans.Client.Cli;
using FedOrleans.Client.Connection;
using FedOrleans.Models.Data;
using FedOrleans.Models.Specs;

namespace FedOrleans.Bench;

/// <summary>
/// B4: framework overhead per client. The no-op trainer returns the global weights (logistic
/// regression, 7,850 floats = 31 KB), so a round is only fan-out, serialization, the training gate
/// and FedAvg aggregation. Round 1 includes activating the client grains; rounds 2.. are warm.
/// </summary>
public static class ClientOverhead
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        var yaml = Repository.Experiment("noop-overhead.yaml");
        await new DatasetFetcher(DataCache.Default).EnsureAsync(DatasetName.Mnist);
        await using var connection = await ClusterConnection.StartEmbeddedAsync(null, CancellationToken.None);
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"### B4 per-client overhead, embedded silo ({Repository.Machine()})");
        sb.AppendLine();
        sb.AppendLine("| clients per round | rounds | cold round 1 ms | warm round ms (median) | warm us per client | cold us per client |");
        sb.AppendLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var size in options.Sizes)
        {
            int rounds = size >= 10_000 ? 6 : size >= 1000 ? 10 : 30;
            var id = $"b4-{size}";
            var stopwatch = Stopwatch.StartNew();
            var spec = SpecParser.TryParse(yaml, ["federation.clients=" + size, "rounds=" + rounds]).CanonicalYaml;
            var report = await ExperimentRunner.RunAsync(connection.Client, id, spec, _ => { }, CancellationToken.None);
            var warm = report.Rounds.Skip(1).Select(r => r.Seconds).Order().ToArray();
            double warmMedian = warm[warm.Length / 2];
            double cold = report.Rounds[0].Seconds;
            if (report.Rounds.Any(r => r.Received != size))
            {
                throw new InvalidOperationException($"{id}: a round lost clients: {string.Join(", ", report.Rounds.Select(r => r.Received))}");
            }
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {size:N0} | {rounds} | {cold * 1000:F1} | {warmMedian * 1000:F1} | {warmMedian * 1e6 / size:F1} | {cold * 1e6 / size:F1} |");
            Console.Error.WriteLine($"{size} clients: warm {warmMedian * 1000:F1} ms/round ({stopwatch.Elapsed.TotalSeconds:F1} s total)");
        }
        options.Emit(sb.ToString());
        return 0;
    }
}
