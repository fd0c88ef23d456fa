using static TorchSharp.torch;

namespace FedOrleans.Models.Adapters;

/// <summary>
/// One S'MoRE forward pass in detail: the update <see cref="Delta"/> (<c>[..., out]</c>), the summed auxiliary
/// loss (null when no gate has one: dense), and per layer <c>l</c> (index l) the router input, the gate's
/// decision, the keys of the selected experts and the experts' pre-activations (<c>[N, paths..., f, d_{l+1}]</c>, the
/// argument of the expert activation σ). The caller owns every tensor.
/// </summary>
public sealed record SmoreForward(
    Tensor Delta,
    Tensor? AuxiliaryLoss,
    IReadOnlyList<Tensor> RouterInputs,
    IReadOnlyList<GateDecision> Gates,
    IReadOnlyList<Tensor> SelectedKeys,
    IReadOnlyList<Tensor> PreActivations);
