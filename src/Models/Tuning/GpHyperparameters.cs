namespace FedOrleans.Models.Tuning;

/// <summary>The Matérn 5/2 kernel's length-scales (one per input for ARD, or one shared), signal variance and noise variance.</summary>
public sealed record GpHyperparameters(IReadOnlyList<double> LengthScales, double SignalVariance, double NoiseVariance)
{
    /// <summary>
    /// k(a, b) = s² (1 + √5 r + 5r²/3) exp(-√5 r), r = sqrt(Σ_i ((a_i - b_i) / l_i)²); a single length-scale applies to every input.
    /// </summary>
    public double Matern52(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double r2 = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double d = (a[i] - b[i]) / LengthScales[LengthScales.Count == 1 ? 0 : i];
            r2 += d * d;
        }
        double r = Math.Sqrt(5 * r2);
        return SignalVariance * (1 + r + r * r / 3) * Math.Exp(-r);
    }
}
