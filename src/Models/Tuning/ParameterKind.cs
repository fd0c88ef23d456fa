namespace FedOrleans.Models.Tuning;

/// <summary>How a hyper-parameter is drawn and encoded. Spec names: <c>log-uniform</c>, <c>uniform</c>, <c>integer</c>, <c>categorical</c>.</summary>
public enum ParameterKind
{
    /// <summary>Real in [low, high], uniform in log(value): learning rates, weight decay.</summary>
    LogUniform,

    /// <summary>Real in [low, high].</summary>
    Uniform,

    /// <summary>Integer in [low, high], both included.</summary>
    Integer,

    /// <summary>One of a list of choices (as text); encoded one-hot for the surrogate.</summary>
    Categorical,
}
