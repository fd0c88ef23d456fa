namespace FedOrleans.Models.Tuning;

/// <summary>
/// A hyper-parameter search that minimises an objective: pure, synchronous, seeded. <see cref="Suggest"/> may be
/// called several times before the matching <see cref="Observe"/> calls (trials run in parallel); a suggestion
/// not yet observed is pending.
/// </summary>
public interface IHyperparameterOptimizer
{
    SearchSpace Space { get; }

    Configuration Suggest();

    /// <summary>Records the objective value (lower is better) of a configuration, suggested by this optimiser or not.</summary>
    void Observe(Configuration configuration, double value);

    string Describe();
}
