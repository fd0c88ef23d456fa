namespace FedOrleans.Contracts;

/// <summary>Wire form of the Models TrainerSettings (mapped in Grains/Mapping).</summary>
[GenerateSerializer, Immutable, Alias("fedorleans.TrainerSettings")]
public sealed record TrainerSettingsWire(
    [property: Id(0)] int Epochs,
    [property: Id(1)] int BatchSize,
    [property: Id(2)] double LearningRate,
    [property: Id(3)] int Optimizer,
    [property: Id(4)] double Momentum,
    [property: Id(5)] double WeightDecay,
    [property: Id(6)] double ProximalMu,
    [property: Id(7)] int LocalSteps = 0);
