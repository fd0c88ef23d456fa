namespace FedOrleans.Models.Tuning;

/// <summary>
/// GP-based Bayesian optimisation (minimisation): after <see cref="BayesianOptions.InitialRandom"/> random
/// configurations, each suggestion fits a Matérn 5/2 GP to the standardised observations (hyper-parameters by
/// marginal likelihood, <see cref="GaussianProcess.Fit"/>, the noise variance included) and returns the configuration
/// of largest expected improvement over the incumbent (by default the lowest posterior mean at an observed
/// configuration, <see cref="EiIncumbent"/>), found among random candidates and local refinements of the best of them and of the best
/// observations. Candidates are projected onto valid configurations (integers rounded, categoricals one-hot)
/// before the GP scores them, so the surrogate only sees what can be evaluated. Pending suggestions (trials still
/// running) count as observed at the best value so far (the "constant liar"), so parallel suggestions spread out.
/// </summary>
public sealed class BayesianOptimizer(SearchSpace space, int seed, BayesianOptions? options = null) : IHyperparameterOptimizer
{
    private readonly Random _random = new(seed);
    private readonly BayesianOptions _options = options ?? new BayesianOptions();
    private readonly List<(Configuration Configuration, double Value)> _observed = [];
    private readonly List<Configuration> _pending = [];

    public SearchSpace Space { get; } = space;

    /// <summary>The last fitted surrogate's hyper-parameters (null before the first fit).</summary>
    public GpHyperparameters? LastHyperparameters { get; private set; }

    public IReadOnlyList<(Configuration Configuration, double Value)> Observations => _observed;

    public Configuration Suggest()
    {
        var suggestion = _observed.Count + _pending.Count < _options.InitialRandom || _observed.Count == 0
            ? Space.Sample(_random)
            : Maximise();
        _pending.Add(suggestion);
        return suggestion;
    }

    public void Observe(Configuration configuration, double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException($"objective value {value} of {Space.Describe(configuration)} is not finite; report a failed trial as a bad finite value");
        }
        _pending.Remove(configuration);
        _observed.Add((configuration, value));
    }

    public string Describe() => $"Bayesian optimisation (GP Matérn 5/2{(_options.Ard ? " ARD" : "")} with fitted noise, EI against the {(_options.Incumbent == EiIncumbent.BestObservation ? "best observation" : "best posterior mean")}, {_options.InitialRandom} random starts)";

    private Configuration Maximise()
    {
        double best = _observed.Min(o => o.Value);
        var points = _observed.Select(o => (Unit: Space.Encode(o.Configuration), o.Value))
            .Concat(_pending.Select(p => (Unit: Space.Encode(p), Value: best)))
            .ToList();
        double mean = points.Average(p => p.Value);
        double std = Math.Sqrt(points.Average(p => (p.Value - mean) * (p.Value - mean)));
        if (std < 1e-12)
        {
            std = 1;
        }
        var x = points.Select(p => p.Unit).ToArray();
        var y = points.Select(p => (p.Value - mean) / std).ToArray();
        var hyper = GaussianProcess.Fit(x, y, _options.Ard, _random, _options.Restarts);
        LastHyperparameters = hyper;
        var gp = new GaussianProcess(x, y, hyper);
        double incumbent = _options.Incumbent == EiIncumbent.BestObservation
            ? (best - mean) / std
            : _observed.Min(o => gp.Predict(Space.Encode(o.Configuration)).Mean);
        var seen = points.Select(p => Space.Decode(p.Unit)).ToHashSet();

        double Score(Configuration c)
        {
            if (seen.Contains(c))
            {
                return -1;   // already evaluated or running: no information to gain
            }
            var (m, v) = gp.Predict(Space.Encode(c));
            return ExpectedImprovement.Compute(m, Math.Sqrt(v), incumbent, _options.Xi);
        }

        var scored = new List<(Configuration C, double Ei)>();
        for (int i = 0; i < _options.Candidates; i++)
        {
            var c = Space.Sample(_random);
            scored.Add((c, Score(c)));
        }
        var starts = scored.OrderByDescending(s => s.Ei).Take(_options.Refined)
            .Concat(_observed.OrderBy(o => o.Value).Take(_options.Refined).Select(o => (C: o.Configuration, Ei: Score(o.Configuration))))
            .ToList();
        var winner = scored.MaxBy(s => s.Ei);
        foreach (var start in starts)
        {
            var current = start;
            double step = 0.1;
            for (int s = 0; s < _options.RefineSteps; s++)
            {
                var unit = Space.Encode(current.C);
                for (int i = 0; i < unit.Length; i++)
                {
                    unit[i] = Math.Clamp(unit[i] + step * Gaussian(), 0, 1);
                }
                var candidate = Space.Decode(unit);
                double ei = Score(candidate);
                if (ei > current.Ei)
                {
                    current = (candidate, ei);
                }
                else
                {
                    step = Math.Max(step * 0.9, 1e-3);
                }
            }
            if (current.Ei > winner.Ei)
            {
                winner = current;
            }
        }
        return winner.Ei > 0 ? winner.C : Space.Sample(_random);
    }

    private double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());
}
