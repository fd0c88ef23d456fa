using TorchSharp;
using static TorchSharp.torch;

namespace FedOrleans.Models.Training;

/// <summary>
/// Global-norm gradient clipping (PyTorch's <c>clip_grad_norm_</c>): when the L2 norm of all gradients
/// together exceeds <c>maxNorm</c>, every gradient is scaled by <c>maxNorm / (norm + 1e-6)</c>.
/// Scalars are explicit (see <see cref="LocalOptimizer"/> for why).
/// </summary>
public static class GradientClipping
{
    /// <summary>Clips in place and returns the total norm before clipping.</summary>
    public static double ClipByTotalNorm(IEnumerable<TorchSharp.Modules.Parameter> parameters, double maxNorm)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var gradients = parameters.Select(p => p.grad).OfType<Tensor>().ToList();
        if (gradients.Count == 0)
        {
            return 0;
        }
        double squared = 0;
        foreach (var g in gradients)
        {
            squared += g.to_type(ScalarType.Float64).square().sum().item<double>();
        }
        double norm = Math.Sqrt(squared);
        if (norm > maxNorm)
        {
            using var factor = (maxNorm / (norm + 1e-6)).ToScalar();
            foreach (var g in gradients)
            {
                g.mul_(factor);
            }
        }
        return norm;
    }
}
