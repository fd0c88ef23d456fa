namespace FedOrleans.Models.Tuning;

/// <summary>
/// One hyper-parameter study: <see cref="Trials"/> whole federated experiments, at most <see cref="Parallel"/> at
/// a time, each the base experiment with the trial's configuration applied as spec overrides (the parameter names
/// are spec paths, e.g. <c>train.lr</c>). The objective is maximised: the final round's validation accuracy over all
/// clients (each client reports only its counts). Every random choice follows from <see cref="Seed"/>.
/// </summary>
public sealed record StudySpec(
    string Name,
    ulong Seed,
    TunerKind Optimizer,
    int Trials,
    int Parallel,
    SearchSpace Space,
    BayesianOptions Bayesian)
{
    /// <summary>The optimiser of this study, seeded; <paramref name="restart"/> &gt; 0 gives a resumed study a fresh stream of suggestions.</summary>
    public IHyperparameterOptimizer CreateOptimizer(int restart = 0)
    {
        int seed = unchecked((int)(Seed ^ (Seed >> 32)) + 7919 * restart);
        return Optimizer == TunerKind.Random ? new RandomSearch(Space, seed) : new BayesianOptimizer(Space, seed, Bayesian);
    }

    /// <summary>The configuration as <c>--set</c> overrides of the base experiment (<c>train.lr=0.01</c>, <c>model.activation=elu</c>).</summary>
    public IReadOnlyList<string> Overrides(Configuration configuration) =>
        Space.Parameters.Select((p, i) => $"{p.Name}={p.Format(configuration.Values[i]).Replace("E", "e", StringComparison.Ordinal)}").ToList();
}
