using FedOrleans.Models.Torch;
using TorchSharp.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace FedOrleans.Models.Llm;

/// <summary>
/// Root-mean-square layer norm as in Llama: <c>weight * x / sqrt(mean(x^2) + eps)</c>, computed in float32
/// and cast back to the input's type. The one parameter is named <c>weight</c> (the checkpoint name).
/// </summary>
public sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly double _eps;

    public RmsNorm(long size, double eps) : base(nameof(RmsNorm))
    {
        weight = new Parameter(ones(size));
        _eps = eps;
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        using var eps = _eps.ToScalar();
        using var two = 2.0.ToScalar();
        var x = input.to_type(ScalarType.Float32);
        var variance = x.pow(two).mean([-1L], keepdim: true);
        var normed = x.mul(variance.add(eps, alpha: TorchScalars.One).rsqrt());
        return weight.mul(normed.to_type(input.dtype)).MoveToOuterDisposeScope();
    }
}
