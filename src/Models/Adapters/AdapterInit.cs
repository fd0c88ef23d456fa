using static TorchSharp.torch;

namespace FedOrleans.Models.Adapters;

/// <summary>Seeded versions of PyTorch's default initialisations (every draw from the caller's generator).</summary>
internal static class AdapterInit
{
    /// <summary>
    /// PyTorch's <c>kaiming_uniform_(w, a=√5)</c>: U(−1/√fan_in, 1/√fan_in) with PyTorch's fan-in
    /// (<c>size(1) · Π size(2..)</c>, which for a 2-D <c>[out, in]</c> weight is <c>in</c>).
    /// </summary>
    public static void KaimingUniform(Tensor weight, Generator generator)
    {
        long fanIn = 1;
        for (int i = 1; i < weight.dim(); i++)
        {
            fanIn *= weight.shape[i];
        }
        double bound = 1.0 / Math.Sqrt(fanIn);
        weight.uniform_(-bound, bound, generator);
    }

    /// <summary>The default <c>nn.Linear</c> initialisation of a weight <c>[out, in]</c> and its bias.</summary>
    public static void Linear(Tensor weight, Tensor? bias, Generator generator)
    {
        KaimingUniform(weight, generator);
        if (bias is not null)
        {
            double bound = 1.0 / Math.Sqrt(weight.shape[1]);
            bias.uniform_(-bound, bound, generator);
        }
    }
}
