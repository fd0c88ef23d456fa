using FedOrleans.Models.Torch;
using static TorchSharp.torch;

namespace FedOrleans.Models.Adapters;

/// <summary>
/// A trainable update of a frozen linear layer <c>W0: in → out</c>: <see cref="nn.Module{T,TResult}.forward"/> returns
/// only the update <c>Δ(x)</c> (<c>[..., out]</c>), which the owner adds to the frozen output. Mixtures read the token
/// mask from <see cref="Context"/> and leave their auxiliary loss there.
/// </summary>
public abstract class LinearAdapter : nn.Module<Tensor, Tensor>
{
    protected LinearAdapter(string name, int inFeatures, int outFeatures) : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inFeatures, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outFeatures, 1);
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
    }

    public int InFeatures { get; }

    public int OutFeatures { get; }

    /// <summary>Shared per-model state (token mask, auxiliary losses); null: no mask, losses dropped.</summary>
    public AdapterContext? Context { get; set; }

    /// <summary>Where a noisy gate draws its training noise from (one generator per fit); null: torch's default generator.</summary>
    public Generator? NoiseGenerator { get; set; }

    /// <summary>The number of trainable parameters (every parameter of the adapter).</summary>
    public long ParameterCount() => parameters().Sum(p => p.numel());

    /// <summary>Also frees the native modules of the adapter's layers (<see cref="TorchModules.ReleaseNative"/>): a federated fit builds its adapters anew.</summary>
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            TorchModules.ReleaseNative(this);
        }
    }
}
