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

    /// <summary>
    /// <see cref="KaimingUniform"/> applied to every slice <c>w[i]</c> of a stacked weight <c>[s, out, in]</c> on its own,
    /// as the official S'MoRE layer initialises each expert's 2-D matrix: U(−1/√fan_in, 1/√fan_in) with the slice's
    /// fan-in (<c>in</c>), not the whole tensor's (<c>out · in</c>). The slices are drawn in order from one generator, so
    /// the draws are those of a loop over the slices.
    /// </summary>
    public static void KaimingUniformPerSlice(Tensor stacked, Generator generator)
    {
        if (stacked.dim() != 3)
        {
            throw new ArgumentException($"expected a stacked weight [s, out, in], got {stacked.dim()} dimensions", nameof(stacked));
        }
        double bound = 1.0 / Math.Sqrt(stacked.shape[2]);
        stacked.uniform_(-bound, bound, generator);
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
