using System.Globalization;
using System.Text;
using FedOrleans.Contracts;
using Spectre.Console;

namespace FedOrleans.Client.Results;

/// <summary>
/// Mean and standard deviation (over seeds) of test accuracy per method, per evaluated round and at
/// the end, with one plot curve per method: <c>comparison.csv</c>, <c>comparison.md</c>, <c>comparison.png</c>.
/// </summary>
public sealed class SweepComparison
{
    private SweepComparison(IReadOnlyList<MethodSummary> methods) => Methods = methods;

    public IReadOnlyList<MethodSummary> Methods { get; }

    public sealed record Point(int Round, double Mean, double Std, int Runs);

    public sealed record MethodSummary(string Method, IReadOnlyList<Point> Curve, IReadOnlyList<(ulong Seed, double Final)> Finals)
    {
        public double FinalMean => Finals.Average(f => f.Final);

        public double FinalStd => StandardDeviation(Finals.Select(f => f.Final).ToList());
    }

    public static SweepComparison Create(IReadOnlyList<(string Method, ulong Seed, ExperimentReport Report)> runs)
    {
        var methods = runs.GroupBy(r => r.Method).Select(g =>
        {
            var byRound = g.SelectMany(r => r.Report.Rounds.Where(x => !double.IsNaN(x.TestAccuracy)))
                .GroupBy(x => x.Round).OrderBy(x => x.Key)
                .Select(x => new Point(x.Key, x.Average(y => y.TestAccuracy), StandardDeviation(x.Select(y => y.TestAccuracy).ToList()), x.Count()))
                .ToList();
            var finals = g.Select(r => (r.Seed, r.Report.Rounds.LastOrDefault(x => !double.IsNaN(x.TestAccuracy))?.TestAccuracy ?? double.NaN)).ToList();
            return new MethodSummary(g.Key, byRound, finals);
        }).ToList();
        return new SweepComparison(methods);
    }

    public async Task WriteAsync(string folder, string title)
    {
        Directory.CreateDirectory(folder);
        var csv = new StringBuilder("method,round,mean_test_accuracy,std_test_accuracy,runs\n");
        foreach (var m in Methods)
        {
            foreach (var p in m.Curve)
            {
                csv.Append(CultureInfo.InvariantCulture, $"\"{m.Method}\",{p.Round},{p.Mean:R},{p.Std:R},{p.Runs}\n");
            }
        }
        await File.WriteAllTextAsync(Path.Combine(folder, "comparison.csv"), csv.ToString());
        var md = new StringBuilder($"| method | final test accuracy (mean +- std) | seeds | per seed |\n| --- | --- | --- | --- |\n");
        foreach (var m in Methods)
        {
            md.Append(CultureInfo.InvariantCulture,
                $"| {m.Method} | {m.FinalMean:F4} +- {m.FinalStd:F4} | {m.Finals.Count} | {string.Join(", ", m.Finals.Select(f => $"{f.Seed}: {f.Final:F4}"))} |\n");
        }
        await File.WriteAllTextAsync(Path.Combine(folder, "comparison.md"), md.ToString());
        var plot = new ScottPlot.Plot();
        plot.Title($"{title}: test accuracy, mean over seeds");
        plot.XLabel("round");
        plot.YLabel("test accuracy");
        foreach (var m in Methods.Where(m => m.Curve.Count > 0))
        {
            var line = plot.Add.Scatter(m.Curve.Select(p => (double)p.Round).ToArray(), m.Curve.Select(p => p.Mean).ToArray());
            line.LegendText = m.Method;
        }
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        plot.SavePng(Path.Combine(folder, "comparison.png"), 900, 550);
    }

    public void Print(string folder)
    {
        var table = new Table().Title("comparison (test accuracy at the last evaluated round)").AddColumn("method").AddColumn("mean").AddColumn("std").AddColumn("seeds");
        foreach (var m in Methods)
        {
            table.AddRow(Markup.Escape(m.Method), m.FinalMean.ToString("F4", CultureInfo.InvariantCulture), m.FinalStd.ToString("F4", CultureInfo.InvariantCulture),
                m.Finals.Count.ToString(CultureInfo.InvariantCulture));
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"comparison: {Markup.Escape(Path.Combine(folder, "comparison.md"))}, comparison.csv, comparison.png");
    }

    /// <summary>Sample standard deviation (n - 1); 0 for a single value.</summary>
    public static double StandardDeviation(IReadOnlyList<double> values)
    {
        if (values.Count < 2)
        {
            return 0;
        }
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }
}
