namespace FedOrleans.Models.Federated;

/// <summary>Accuracy and mean cross-entropy on <see cref="Count"/> samples.</summary>
public sealed record EvaluationResult(double Accuracy, double Loss, int Count);
