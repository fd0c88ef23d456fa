using FedOrleans.Contracts;

namespace FedOrleans.Client.Results;

/// <summary>Test accuracy and loss against rounds, as a PNG (ScottPlot).</summary>
public static class AccuracyPlot
{
    public static void Save(string path, string title, IReadOnlyList<RoundSummary> rounds)
    {
        var evaluated = rounds.Where(r => !double.IsNaN(r.TestAccuracy)).ToList();
        var plot = new ScottPlot.Plot();
        plot.Title($"{title}: test accuracy and loss");
        plot.XLabel("round");
        plot.YLabel("test accuracy");
        if (evaluated.Count > 0)
        {
            double[] x = evaluated.Select(r => (double)r.Round).ToArray();
            var accuracy = plot.Add.Scatter(x, evaluated.Select(r => r.TestAccuracy).ToArray());
            accuracy.LegendText = "accuracy";
            var loss = plot.Add.Scatter(x, evaluated.Select(r => r.TestLoss).ToArray());
            loss.LegendText = "loss (right axis)";
            loss.Axes.YAxis = plot.Axes.Right;
            plot.Axes.Right.Label.Text = "test loss";
            plot.ShowLegend(ScottPlot.Alignment.MiddleRight);
        }
        plot.SavePng(path, 800, 500);
    }
}
