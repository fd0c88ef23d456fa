using TorchSharp;

namespace FedOrleans.Models.Torch;

/// <summary>
/// Scalars that live for the whole process. TorchSharp's convenience overloads (<c>a.add(b)</c>,
/// <c>a - b</c>, <c>add_(scalar)</c>) create their <c>alpha</c> by implicit conversion and do not keep it
/// alive during the native call, so FedOrleans passes <see cref="One"/> explicitly (see Training/LocalOptimizer).
/// </summary>
public static class TorchScalars
{
    /// <summary>The alpha of a plain addition or subtraction; never disposed.</summary>
    public static readonly Scalar One = 1.0.ToScalar();

    /// <summary>Zero, for comparisons (<c>x.gt(Zero)</c>); never disposed.</summary>
    public static readonly Scalar Zero = 0.0.ToScalar();
}
