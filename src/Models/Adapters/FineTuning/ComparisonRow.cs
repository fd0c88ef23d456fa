namespace FedOrleans.Models.Adapters.FineTuning;

/// <summary>
/// One adapter configuration of a comparison at one learning rate: its trainable count and, per seed, the test accuracy
/// and the validation accuracy after the last epoch (the basis for choosing the learning rate).
/// </summary>
public sealed record ComparisonRow(
    string Label,
    string Adapter,
    long TrainableParameters,
    IReadOnlyList<double> TestAccuracies,
    IReadOnlyList<double> FinalLosses,
    double InitialAccuracy,
    double Seconds,
    IReadOnlyList<double> ValidationAccuracies,
    double LearningRate)
{
    public double MeanAccuracy => TestAccuracies.Average();

    public double MeanValidationAccuracy => ValidationAccuracies.Average();

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
