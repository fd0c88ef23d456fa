using MathNet.Numerics.Distributions;

namespace FedOrleans.Models.Tuning;

/// <summary>Expected improvement for minimisation (Jones et al. 1998).</summary>
public static class ExpectedImprovement
{
    /// <summary>
    /// EI(x) = (f* - μ - ξ) Φ(z) + σ φ(z), z = (f* - μ - ξ) / σ, for posterior mean μ, standard deviation σ,
    /// incumbent f* (the best observation, or the best posterior mean under noise) and exploration margin ξ; max(f* - μ - ξ, 0) when σ = 0.
    /// </summary>
    public static double Compute(double mean, double std, double best, double xi = 0)
    {
        double gain = best - mean - xi;
        if (std <= 0)
        {
            return Math.Max(gain, 0);
        }
        double z = gain / std;
        return gain * Normal.CDF(0, 1, z) + std * Normal.PDF(0, 1, z);
    }
}
