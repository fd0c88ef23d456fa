using FedOrleans.Contracts;

namespace FedOrleans.Client.Results;

/// <summary>Test accuracy and loss against rounds, as a PNG (ScottPlot).</summary>
public static class AccuracyPlot
{
    private const int Width = 800;
    private const int Height = 500;

    public static void Save(string path, string title, IReadOnlyList<RoundSummary> rounds) =>
        Draw(title, rounds).SavePng(path, Width, Height);

    /// <summary>
    /// Draws a two-point plot in memory and drops it: SkiaSharp's native library, the fonts and the drawing code are
    /// loaded and compiled then, not when the run's plot is drawn at its end (<see cref="ResultsWriter.WarmUp"/>).
    /// </summary>
    public static void WarmUp(string title, IReadOnlyList<RoundSummary> rounds)
    {
        using var image = Draw(title, rounds).GetImage(Width, Height);
        _ = image.GetImageBytes(ScottPlot.ImageFormat.Png);
    }

    private static ScottPlot.Plot Draw(string title, IReadOnlyList<RoundSummary> rounds)
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
        return plot;
    }
}
