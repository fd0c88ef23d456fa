using static TorchSharp.torch;

namespace FedOrleans.Models.Adapters;

/// <summary>
/// One S'MoRE forward pass in detail: the update <see cref="Delta"/> (<c>[..., out]</c>), the summed auxiliary
/// loss (null when no gate has one: dense), and per layer <c>l</c> (index l) the router input, the gate's
/// decision and the keys of the selected experts. The caller owns every tensor.
/// </summary>
public sealed record SmoreForward(
    Tensor Delta,
    Tensor? AuxiliaryLoss,
    IReadOnlyList<Tensor> RouterInputs,
    IReadOnlyList<GateDecision> Gates,
    IReadOnlyList<Tensor> SelectedKeys);
