namespace FedOrleans.Models.Federated;

/// <summary>A client's evaluation of its model on its own held-out data: correct predictions and counts on its validation and test samples (a graph client: its owned nodes), and the test loss sum.</summary>
public sealed record ClientEvaluationResult(int ValidationCorrect, int ValidationCount, int TestCorrect, int TestCount, double TestLossSum)
{
    public double ValidationAccuracy => ValidationCount == 0 ? double.NaN : (double)ValidationCorrect / ValidationCount;

    public double TestAccuracy => TestCount == 0 ? double.NaN : (double)TestCorrect / TestCount;

    /// <summary>Sums counts over clients (accuracy over all their nodes together).</summary>
    public static ClientEvaluationResult Sum(IEnumerable<ClientEvaluationResult> parts) => parts.Aggregate(new ClientEvaluationResult(0, 0, 0, 0, 0),
        (a, b) => new ClientEvaluationResult(a.ValidationCorrect + b.ValidationCorrect, a.ValidationCount + b.ValidationCount,
            a.TestCorrect + b.TestCorrect, a.TestCount + b.TestCount, a.TestLossSum + b.TestLossSum));
}
