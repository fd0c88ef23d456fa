namespace FedOrleans.Models.Tuning;

/// <summary>How a study picks its trials. Spec names: <c>bayesian</c>, <c>random</c>.</summary>
public enum TunerKind
{
    /// <summary>GP surrogate (Matérn 5/2, marginal likelihood) with expected improvement.</summary>
    Bayesian,

    /// <summary>The baseline: independent uniform draws.</summary>
    Random,
}
