using static TorchSharp.torch;

namespace FedOrleans.Models.Llm;

/// <summary>
/// A block whose linear projections can carry an attached update (a LoRA-style adapter): the block computes
/// <c>W0·x + adapter(x)</c> for an attached projection. Attached modules are not submodules of the block (the base
/// checkpoint keeps its names and parameters); whoever attaches them owns them.
/// </summary>
public interface IAdaptableProjections
{
    /// <summary>The projection names of this block (<c>gate_proj</c>, <c>up_proj</c>, <c>down_proj</c>; <c>q_proj</c> ...).</summary>
    IReadOnlyList<string> ProjectionNames { get; }

    /// <summary>The frozen projection's input and output widths.</summary>
    (int InFeatures, int OutFeatures) ProjectionShape(string projection);

    /// <summary>Attaches <paramref name="adapter"/> (input <c>[..., in]</c> to update <c>[..., out]</c>) to <paramref name="projection"/>.</summary>
    void Attach(string projection, nn.Module<Tensor, Tensor> adapter);

    /// <summary>Removes the adapter of <paramref name="projection"/>, if any (it is not disposed).</summary>
    void Detach(string projection);
}
