namespace FedOrleans.Models.Tuning;

/// <summary>The baseline: every suggestion uniformly random from its own seeded generator; observations are ignored.</summary>
public sealed class RandomSearch(SearchSpace space, int seed) : IHyperparameterOptimizer
{
    private readonly Random _random = new(seed);

    public SearchSpace Space { get; } = space;

    public Configuration Suggest() => Space.Sample(_random);

    public void Observe(Configuration configuration, double value)
    {
    }

    public string Describe() => "random search";
}
