namespace FedOrleans.Models.Llm;

/// <summary>
/// Llama 3's rotary frequency rescaling (<c>rope_type: llama3</c> in config.json): wavelengths longer than
/// <c>OriginalMaxPositions / LowFreqFactor</c> are divided by <see cref="Factor"/>, shorter than
/// <c>OriginalMaxPositions / HighFreqFactor</c> are kept, and the band between is interpolated smoothly.
/// </summary>
public sealed record RopeScaling(double Factor, double LowFreqFactor, double HighFreqFactor, int OriginalMaxPositions)
{
    /// <summary>The inverse frequencies after rescaling (the same formula as transformers' <c>_compute_llama3_parameters</c>).</summary>
    public double[] Apply(double[] inverseFrequencies)
    {
        double lowFreqWavelength = OriginalMaxPositions / LowFreqFactor;
        double highFreqWavelength = OriginalMaxPositions / HighFreqFactor;
        var result = new double[inverseFrequencies.Length];
        for (int i = 0; i < result.Length; i++)
        {
            double f = inverseFrequencies[i];
            double wavelength = 2 * Math.PI / f;
            if (wavelength < highFreqWavelength)
            {
                result[i] = f;
            }
            else if (wavelength > lowFreqWavelength)
            {
                result[i] = f / Factor;
            }
            else
            {
                double smooth = (OriginalMaxPositions / wavelength - LowFreqFactor) / (HighFreqFactor - LowFreqFactor);
                result[i] = (1 - smooth) * f / Factor + smooth * f;
            }
        }
        return result;
    }
}
