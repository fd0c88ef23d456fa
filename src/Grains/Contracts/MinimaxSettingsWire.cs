namespace FedOrleans.Contracts;

/// <summary>Wire form of the Models MinimaxSettings (FedMM and its baselines).</summary>
[GenerateSerializer, Immutable, Alias("fedorleans.MinimaxSettings")]
public sealed record MinimaxSettingsWire(
    [property: Id(0)] int Rule,
    [property: Id(1)] double Mu,
    [property: Id(2)] double DualDecay,
    [property: Id(3)] double DecayEvery,
    [property: Id(4)] double Coefficient);
