using static TorchSharp.torch;

namespace FedOrleans.Models.Adapters;

/// <summary>
/// What one gate decided for every router path: <see cref="Indices"/> (int64 <c>[..., f]</c>), mixing weights
/// <see cref="Scores"/> (<c>[..., f]</c>), and for sparse gates the auxiliary loss (already multiplied by the
/// balance-loss weight), the per-expert <see cref="Load"/> and <see cref="Importance"/>. The caller owns the tensors.
/// </summary>
public sealed record GateDecision(Tensor Indices, Tensor Scores, Tensor? Loss, Tensor? Load, Tensor? Importance)
{
    /// <summary>Moves every tensor to the dispose scope outside the current one.</summary>
    public GateDecision MoveToOuterDisposeScope()
    {
        Indices.MoveToOuterDisposeScope();
        Scores.MoveToOuterDisposeScope();
        Loss?.MoveToOuterDisposeScope();
        Load?.MoveToOuterDisposeScope();
        Importance?.MoveToOuterDisposeScope();
        return this;
    }
}
