using FedOrleans.Models.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace FedOrleans.Models.Nn;

/// <summary>
/// Named layers applied in order, like <c>nn.Sequential</c> (same parameter names and order), but disposing frees the
/// layers' native modules too (<see cref="TorchModules.ReleaseNative"/>): the models of <see cref="ModelFactory"/> are
/// built once per fit.
/// </summary>
public sealed class LayerStack : nn.Module<Tensor, Tensor>
{
    private readonly List<nn.Module<Tensor, Tensor>> _layers = [];

    public LayerStack(params (string Name, nn.Module<Tensor, Tensor> Layer)[] layers) : this(layers.AsEnumerable())
    {
    }

    public LayerStack(IEnumerable<(string Name, nn.Module<Tensor, Tensor> Layer)> layers) : base(nameof(LayerStack))
    {
        foreach (var (name, layer) in layers)
        {
            register_module(name, layer);
            _layers.Add(layer);
        }
    }

    public override Tensor forward(Tensor input)
    {
        var x = input;
        foreach (var layer in _layers)
        {
            x = layer.call(x);
        }
        return x;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            TorchModules.ReleaseNative(this);
        }
    }
}
