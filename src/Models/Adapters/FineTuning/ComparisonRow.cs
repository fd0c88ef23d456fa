namespace FedOrleans.Models.Adapters.FineTuning;

/// <summary>One adapter configuration of a comparison: its trainable count and the test accuracy of every seed.</summary>
public sealed record ComparisonRow(
    string Label,
    string Adapter,
    long TrainableParameters,
    IReadOnlyList<double> TestAccuracies,
    IReadOnlyList<double> FinalLosses,
    double InitialAccuracy,
    double Seconds)
{
    public double MeanAccuracy => TestAccuracies.Average();

    /// <summary>Sample standard deviation over seeds (0 for one seed).</summary>
    public double StdAccuracy
    {
        get
        {
            if (TestAccuracies.Count < 2)
            {
                return 0;
            }
            double mean = MeanAccuracy;
            return Math.Sqrt(TestAccuracies.Sum(a => (a - mean) * (a - mean)) / (TestAccuracies.Count - 1));
        }
    }
}
