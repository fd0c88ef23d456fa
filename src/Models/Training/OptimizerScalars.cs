using FedOrleans.Models.Federated;
using TorchSharp;

namespace FedOrleans.Models.Training;

/// <summary>
/// The constant scalars an optimizer passes to libtorch (momentum, weight decay, Adam's betas and epsilon),
/// created explicitly and kept alive until disposed: see <see cref="LocalOptimizer"/> for why. Shared by
/// <see cref="LocalOptimizer"/> and the cohort optimizer, so both use PyTorch's Adam constants.
/// </summary>
internal sealed class OptimizerScalars(TrainerSettings settings) : IDisposable
{
    public const double AdamBeta1 = 0.9;
    public const double AdamBeta2 = 0.999;
    public const double AdamEpsilon = 1e-8;

    public Scalar Momentum { get; } = settings.Momentum.ToScalar();

    public Scalar WeightDecay { get; } = settings.WeightDecay.ToScalar();

    public Scalar Beta1 { get; } = AdamBeta1.ToScalar();

    public Scalar OneMinusBeta1 { get; } = (1 - AdamBeta1).ToScalar();

    public Scalar Beta2 { get; } = AdamBeta2.ToScalar();

    public Scalar OneMinusBeta2 { get; } = (1 - AdamBeta2).ToScalar();

    public Scalar Epsilon { get; } = AdamEpsilon.ToScalar();

    public void Dispose()
    {
        foreach (var s in new[] { Momentum, WeightDecay, Beta1, OneMinusBeta1, Beta2, OneMinusBeta2, Epsilon })
        {
            s.Dispose();
        }
    }
}
