using FedOrleans.Models.Tuning;
using Xunit.Abstractions;

namespace FedOrleans.Models.Tests;

public sealed class TuningTests(ITestOutputHelper output)
{
    [Fact]
    public void Gp_posterior_matches_the_closed_form_on_two_points()
    {
        var h = new GpHyperparameters([0.7], 1.5, 0.01);
        double[][] x = [[0.2], [0.9]];
        double[] y = [1.0, -0.5];
        var gp = new GaussianProcess(x, y, h, mean: 0.25);
        static double K(double a, double b, GpHyperparameters h)
        {
            double r = Math.Sqrt(5) * Math.Abs(a - b) / 0.7;
            return 1.5 * (1 + r + r * r / 3) * Math.Exp(-r);
        }
        // K + noise, inverted by hand (2 x 2).
        double a11 = K(0.2, 0.2, h) + 0.01, a12 = K(0.2, 0.9, h), a22 = K(0.9, 0.9, h) + 0.01;
        double det = a11 * a22 - a12 * a12;
        double[,] inv = { { a22 / det, -a12 / det }, { -a12 / det, a11 / det } };
        foreach (var xs in new[] { 0.0, 0.2, 0.5, 1.3 })
        {
            double k1 = K(xs, 0.2, h), k2 = K(xs, 0.9, h);
            double r1 = y[0] - 0.25, r2 = y[1] - 0.25;
            double mean = 0.25 + k1 * (inv[0, 0] * r1 + inv[0, 1] * r2) + k2 * (inv[1, 0] * r1 + inv[1, 1] * r2);
            double variance = 1.5 - (k1 * (inv[0, 0] * k1 + inv[0, 1] * k2) + k2 * (inv[1, 0] * k1 + inv[1, 1] * k2));
            var (m, v) = gp.Predict([xs]);
            Assert.Equal(mean, m, 6);
            Assert.Equal(variance, v, 6);
        }
        double alpha1 = inv[0, 0] * 0.75 + inv[0, 1] * -0.75, alpha2 = inv[1, 0] * 0.75 + inv[1, 1] * -0.75;
        double lml = -0.5 * (0.75 * alpha1 - 0.75 * alpha2) - 0.5 * Math.Log(det) - Math.Log(2 * Math.PI);
        Assert.Equal(lml, gp.LogMarginalLikelihood, 6);
    }

    [Fact]
    public void Marginal_likelihood_fits_the_noise_of_noisy_observations()
    {
        // 60 points of a smooth function plus Gaussian noise of sd 0.3 (a fixed draw): the fitted noise sd is near 0.3,
        // and a noiseless draw of the same function gets a noise variance at least 100 times smaller.
        var random = new Random(5);
        double[][] x = Enumerable.Range(0, 60).Select(i => new[] { i / 59.0 }).ToArray();
        double F(double t) => Math.Sin(6 * t);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        double[] noisy = x.Select(p => F(p[0]) + 0.3 * Normal()).ToArray();
        double[] clean = x.Select(p => F(p[0])).ToArray();
        var fitted = GaussianProcess.Fit(x, noisy, ard: false, new Random(1));
        var exact = GaussianProcess.Fit(x, clean, ard: false, new Random(1));
        output.WriteLine($"fitted noise sd {Math.Sqrt(fitted.NoiseVariance):F3} (true 0.3), noiseless {Math.Sqrt(exact.NoiseVariance):F5}");
        Assert.InRange(Math.Sqrt(fitted.NoiseVariance), 0.2, 0.45);
        Assert.True(exact.NoiseVariance * 100 < fitted.NoiseVariance, $"noiseless fit {exact.NoiseVariance}, noisy fit {fitted.NoiseVariance}");
    }

    [Fact]
    public void Matern_ard_scales_each_input_by_its_own_length()
    {
        var h = new GpHyperparameters([0.5, 2.0], 2.0, 0);
        double r = Math.Sqrt(5 * (0.2 / 0.5 * (0.2 / 0.5) + 1.0 / 2 * (1.0 / 2)));
        Assert.Equal(2.0 * (1 + r + r * r / 3) * Math.Exp(-r), h.Matern52([0.1, 0.0], [0.3, 1.0]), 12);
        Assert.Equal(2.0, h.Matern52([0.4, 0.4], [0.4, 0.4]), 12);
    }

    [Fact]
    public void Expected_improvement_matches_its_formula()
    {
        // EI = (f* - mu) Phi(z) + sigma phi(z), z = (f* - mu) / sigma.
        Assert.Equal(1 / Math.Sqrt(2 * Math.PI), ExpectedImprovement.Compute(0, 1, 0), 10);
        double phi1 = Math.Exp(-0.5) / Math.Sqrt(2 * Math.PI), cdfMinus1 = 0.15865525393145707;
        Assert.Equal(-0.5 * cdfMinus1 + 0.5 * phi1, ExpectedImprovement.Compute(1, 0.5, 0.5), 10);
        Assert.Equal(0.3, ExpectedImprovement.Compute(0.2, 0, 0.5), 12);
        Assert.Equal(0, ExpectedImprovement.Compute(0.7, 0, 0.5));
        Assert.True(ExpectedImprovement.Compute(0, 1, 0, xi: 0.1) < ExpectedImprovement.Compute(0, 1, 0));
    }

    [Fact]
    public void Gp_fit_by_marginal_likelihood_beats_a_poor_fixed_choice()
    {
        var random = new Random(3);
        var x = Enumerable.Range(0, 15).Select(_ => new[] { random.NextDouble() }).ToArray();
        var y = x.Select(p => Math.Sin(6 * p[0])).ToArray();
        var fitted = GaussianProcess.Fit(x, y, ard: false, new Random(1));
        var good = new GaussianProcess(x, y, fitted);
        var poor = new GaussianProcess(x, y, new GpHyperparameters([0.01], 1, 0.5));
        Assert.True(good.LogMarginalLikelihood > poor.LogMarginalLikelihood + 5, $"{good.LogMarginalLikelihood} vs {poor.LogMarginalLikelihood}");
        Assert.InRange(good.Predict([0.5]).Mean, Math.Sin(3) - 0.1, Math.Sin(3) + 0.1);
    }

    [Fact]
    public void Search_space_encodes_mixed_parameters_and_projects_the_unit_cube()
    {
        var space = new SearchSpace(
        [
            SearchParameter.LogUniform("lr", 1e-4, 1e-1),
            SearchParameter.Uniform("dropout", 0, 0.7),
            SearchParameter.Integer("hidden", 8, 64),
            SearchParameter.Categorical("activation", "relu", "elu", "tanh"),
        ]);
        Assert.Equal(6, space.Dimension);
        var c = new Configuration([1e-2, 0.35, 16, 2]);
        var unit = space.Encode(c);
        Assert.Equal(2.0 / 3, unit[0], 12);
        Assert.Equal([0.0, 0.0, 1.0], unit[3..]);
        Assert.Equal(c.Values, space.Decode(unit).Values.Select((v, i) => i == 0 ? Math.Round(v, 12) : v));
        Assert.Equal("lr=0.01, dropout=0.35, hidden=16, activation=tanh", space.Describe(c));
        var random = new Random(4);
        var samples = Enumerable.Range(0, 2000).Select(_ => space.Sample(random)).ToList();
        Assert.All(samples, s => Assert.InRange(s.Values[2], 8, 64));
        Assert.Equal(57, samples.Select(s => s.Values[2]).Distinct().Count());
        Assert.Equal(3, samples.Select(s => s.Values[3]).Distinct().Count());
        Assert.InRange(samples.Count(s => s.Values[0] < 1e-3), 500, 830);   // a third of the log range
    }

    private static double Branin(Configuration c)
    {
        double x1 = c.Values[0], x2 = c.Values[1];
        double b = 5.1 / (4 * Math.PI * Math.PI), cc = 5 / Math.PI, t = 1 / (8 * Math.PI);
        return Math.Pow(x2 - b * x1 * x1 + cc * x1 - 6, 2) + 10 * (1 - t) * Math.Cos(x1) + 10;
    }

    /// <summary>Evaluations until the best value is within <paramref name="gap"/> of Branin's minimum 0.397887 (budget + 1 when never).</summary>
    private static int EvaluationsToTarget(IHyperparameterOptimizer optimizer, int budget, double gap)
    {
        for (int i = 1; i <= budget; i++)
        {
            var c = optimizer.Suggest();
            double value = Branin(c);
            optimizer.Observe(c, value);
            if (value <= 0.397887 + gap)
            {
                return i;
            }
        }
        return budget + 1;
    }

    [Fact]
    public void Bayesian_optimisation_finds_branins_minimum_in_far_fewer_evaluations_than_random_search()
    {
        var space = new SearchSpace([SearchParameter.Uniform("x1", -5, 10), SearchParameter.Uniform("x2", 0, 15)]);
        int[] seeds = [1, 2, 3, 4, 5];
        var bo = seeds.Select(s => EvaluationsToTarget(new BayesianOptimizer(space, s), 60, 0.1)).ToList();
        var random = seeds.Select(s => EvaluationsToTarget(new RandomSearch(space, s), 2000, 0.1)).ToList();
        output.WriteLine($"evaluations to within 0.1 of Branin's minimum: BO {string.Join(", ", bo)} (mean {bo.Average()}), random {string.Join(", ", random)} (mean {random.Average()})");
        Assert.True(bo.All(n => n <= 60), $"BO evaluations per seed: {string.Join(", ", bo)}");
        Assert.True(bo.Average() * 4 < random.Average(), $"BO mean {bo.Average()} ({string.Join(", ", bo)}), random mean {random.Average()} ({string.Join(", ", random)})");
    }

    [Fact]
    public void Optimisers_are_reproducible_per_seed_and_pending_suggestions_differ()
    {
        var space = new SearchSpace([SearchParameter.Uniform("x1", -5, 10), SearchParameter.Uniform("x2", 0, 15)]);
        IEnumerable<Configuration> Run(int seed)
        {
            var o = new BayesianOptimizer(space, seed, new BayesianOptions(InitialRandom: 3));
            for (int i = 0; i < 6; i++)
            {
                var c = o.Suggest();
                o.Observe(c, Branin(c));
                yield return c;
            }
            // Two parallel suggestions: the first is pending while the second is made.
            var first = o.Suggest();
            var second = o.Suggest();
            Assert.NotEqual(first, second);
            yield return first;
        }
        Assert.Equal(Run(9).ToList(), Run(9).ToList());
        Assert.NotEqual(Run(9).ToList(), Run(10).ToList());
    }
}
