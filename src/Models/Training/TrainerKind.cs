namespace FedOrleans.Models.Training;

/// <summary>Which local trainer clients run.</summary>
public enum TrainerKind
{
    /// <summary>Supervised classification with cross-entropy (skips unlabelled clients).</summary>
    Supervised,

    /// <summary>Returns the global weights unchanged: measures the framework's own overhead (benchmark B4).</summary>
    NoOp,
}
