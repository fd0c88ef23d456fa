using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;
using MathNet.Numerics.Optimization;

namespace FedOrleans.Models.Tuning;

/// <summary>
/// Gaussian-process regression with a Matérn 5/2 kernel and a constant mean, conditioned on observations by a
/// Cholesky factorisation (MathNet.Numerics): K = k(X, X) + σ_n² I = L Lᵀ, α = K⁻¹ (y - m);
/// mean(x) = m + k(x, X) α, variance(x) = k(x, x) - |L⁻¹ k(X, x)|² (of the latent function, without noise).
/// </summary>
public sealed class GaussianProcess
{
    /// <summary>Added to the diagonal on top of the noise, for a factorisation that never fails on duplicate points.</summary>
    public const double Jitter = 1e-9;

    private readonly double[][] _x;
    private readonly Cholesky<double> _cholesky;
    private readonly Vector<double> _alpha;

    public GaussianProcess(double[][] x, double[] y, GpHyperparameters hyperparameters, double mean = 0)
    {
        if (x.Length != y.Length || x.Length == 0)
        {
            throw new ArgumentException($"{x.Length} inputs for {y.Length} outputs; need at least one of each, equally many");
        }
        _x = x;
        Hyperparameters = hyperparameters;
        Mean = mean;
        int n = x.Length;
        var k = Matrix<double>.Build.Dense(n, n, (i, j) => hyperparameters.Matern52(x[i], x[j]) + (i == j ? hyperparameters.NoiseVariance + Jitter : 0));
        _cholesky = k.Cholesky();
        var centred = Vector<double>.Build.Dense(n, i => y[i] - mean);
        _alpha = _cholesky.Solve(centred);
        // log p(y | X) = -½ (y - m)ᵀ α - Σ log L_ii - n/2 log 2π
        LogMarginalLikelihood = -0.5 * centred.DotProduct(_alpha) - 0.5 * _cholesky.DeterminantLn - 0.5 * n * Math.Log(2 * Math.PI);
    }

    public GpHyperparameters Hyperparameters { get; }

    public double Mean { get; }

    public double LogMarginalLikelihood { get; }

    /// <summary>Posterior mean and variance of the latent function at <paramref name="x"/>.</summary>
    public (double Mean, double Variance) Predict(ReadOnlySpan<double> x)
    {
        int n = _x.Length;
        var kStar = Vector<double>.Build.Dense(n);
        for (int i = 0; i < n; i++)
        {
            kStar[i] = Hyperparameters.Matern52(x, _x[i]);
        }
        double mean = Mean + kStar.DotProduct(_alpha);
        // v = L⁻¹ k*, by forward substitution.
        var l = _cholesky.Factor;
        var v = new double[n];
        double vv = 0;
        for (int i = 0; i < n; i++)
        {
            double sum = kStar[i];
            for (int j = 0; j < i; j++)
            {
                sum -= l[i, j] * v[j];
            }
            v[i] = sum / l[i, i];
            vv += v[i] * v[i];
        }
        double variance = Hyperparameters.Matern52(x, x) - vv;
        return (mean, Math.Max(variance, 0));
    }

    /// <summary>
    /// Hyper-parameters that maximise the log marginal likelihood of standardised outputs, by Nelder-Mead in log
    /// space from several starts (the first at length-scale 0.5, signal 1, noise 1e-3; the rest random), within
    /// length-scales [0.01, 20], signal variance [0.01, 100] and noise variance [1e-6, 1] (inputs in the unit cube).
    /// </summary>
    public static GpHyperparameters Fit(double[][] x, double[] y, bool ard, Random random, int restarts = 4, double mean = 0)
    {
        int d = x[0].Length;
        int scales = ard ? d : 1;
        (double Low, double High)[] bounds =
        [
            .. Enumerable.Repeat((Math.Log(0.01), Math.Log(20.0)), scales),
            (Math.Log(0.01), Math.Log(100.0)),
            (Math.Log(1e-6), Math.Log(1.0)),
        ];
        GpHyperparameters Unpack(Vector<double> v)
        {
            var clamped = v.Select((t, i) => Math.Clamp(t, bounds[i].Low, bounds[i].High)).ToArray();
            return new GpHyperparameters(clamped[..scales].Select(Math.Exp).ToArray(), Math.Exp(clamped[scales]), Math.Exp(clamped[scales + 1]));
        }
        double Objective(Vector<double> v)
        {
            double penalty = 0;
            for (int i = 0; i < v.Count; i++)
            {
                double outside = Math.Max(0, bounds[i].Low - v[i]) + Math.Max(0, v[i] - bounds[i].High);
                penalty += 10 * outside * outside;
            }
            try
            {
                return -new GaussianProcess(x, y, Unpack(v), mean).LogMarginalLikelihood + penalty;
            }
            catch (ArgumentException)
            {
                return double.MaxValue / 4;   // not positive definite: never the optimum
            }
        }
        var objective = ObjectiveFunction.Value(Objective);
        var solver = new NelderMeadSimplex(1e-6, 2000);
        Vector<double>? best = null;
        double bestValue = double.PositiveInfinity;
        for (int start = 0; start < Math.Max(1, restarts); start++)
        {
            var initial = Vector<double>.Build.Dense(bounds.Length, i => start == 0
                ? (i < scales ? Math.Log(0.5) : i == scales ? 0 : Math.Log(1e-3))
                : bounds[i].Low + random.NextDouble() * (bounds[i].High - bounds[i].Low));
            Vector<double> point;
            try
            {
                point = solver.FindMinimum(objective, initial).MinimizingPoint;
            }
            catch (MaximumIterationsException)
            {
                continue;   // this start did not settle; the others decide
            }
            double value = Objective(point);
            if (value < bestValue)
            {
                bestValue = value;
                best = point;
            }
        }
        return best is null ? Unpack(Vector<double>.Build.Dense(bounds.Length, i => i < scales ? Math.Log(0.5) : i == scales ? 0 : Math.Log(1e-3))) : Unpack(best);
    }
}
