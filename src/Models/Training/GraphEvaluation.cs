namespace FedOrleans.Models.Training;

/// <summary>Correct predictions and counts on a client's owned validation and test nodes, and the test loss sum.</summary>
public sealed record GraphEvaluation(int ValidationCorrect, int ValidationCount, int TestCorrect, int TestCount, double TestLossSum)
{
    public double ValidationAccuracy => ValidationCount == 0 ? double.NaN : (double)ValidationCorrect / ValidationCount;

    public double TestAccuracy => TestCount == 0 ? double.NaN : (double)TestCorrect / TestCount;

    /// <summary>Sums counts over clients (accuracy over all their nodes together).</summary>
    public static GraphEvaluation Sum(IEnumerable<GraphEvaluation> parts) => parts.Aggregate(new GraphEvaluation(0, 0, 0, 0, 0),
        (a, b) => new GraphEvaluation(a.ValidationCorrect + b.ValidationCorrect, a.ValidationCount + b.ValidationCount,
            a.TestCorrect + b.TestCorrect, a.TestCount + b.TestCount, a.TestLossSum + b.TestLossSum));
}
