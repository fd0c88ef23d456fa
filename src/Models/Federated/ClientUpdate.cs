namespace FedOrleans.Models.Federated;

/// <summary>A client's successful result for the round.</summary>
public sealed record ClientUpdate(ClientId Client, ModelWeights Weights, int NumSamples, double TrainLoss);
