namespace FedOrleans.Contracts;

/// <summary>A client's answer: its new weights (raw float32 bytes), sample count, mean training loss and fit time.</summary>
[GenerateSerializer, Immutable, Alias("fedorleans.FitResult")]
public sealed record FitResult(
    [property: Id(0)] byte[] Weights,
    [property: Id(1)] int NumSamples,
    [property: Id(2)] double TrainLoss,
    [property: Id(3)] double FitSeconds);
