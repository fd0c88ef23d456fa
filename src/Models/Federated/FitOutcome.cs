
namespace FedOrleans.Models.Federated;

/// <summary>The result of one local fit: new weights, the number of samples they were trained on, the mean training loss, and the client's new private state (null: unchanged).</summary>
public sealed record FitOutcome(ModelWeights Weights, int NumSamples, double TrainLoss, float[]? PrivateState = null);
