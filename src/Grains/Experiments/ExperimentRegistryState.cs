namespace FedOrleans.Grains.Experiments;

/// <summary>Persisted list of experiment ids.</summary>
[GenerateSerializer, Alias("fedorleans.ExperimentRegistryState")]
public sealed class ExperimentRegistryState
{
    [Id(0)] public List<string> Experiments { get; set; } = [];
}
