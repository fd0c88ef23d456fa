namespace FedOrleans.Models.Federated;

/// <summary>The client-side optimiser.</summary>
public enum OptimizerKind
{
    Sgd,
    Adam,

    /// <summary>Adam with decoupled weight decay (Loshchilov and Hutter): <c>w -= lr * wd * w</c> before the Adam step.</summary>
    AdamW,
}
