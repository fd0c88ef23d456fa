namespace FedOrleans.Models.Training;

/// <summary>The client-side optimiser.</summary>
public enum OptimizerKind
{
    Sgd,
    Adam,
}
