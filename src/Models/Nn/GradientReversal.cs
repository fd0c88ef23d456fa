using TorchSharp;
using static TorchSharp.torch;

namespace FedOrleans.Models.Nn;

/// <summary>
/// Ganin and Lempitsky's gradient reversal layer: identity forward, gradient times -lambda backward.
/// The features upstream of it then ascend the discriminator's loss while the discriminator descends it.
/// </summary>
public sealed class GradientReversal : autograd.SingleTensorFunction<GradientReversal>
{
    public override string Name => nameof(GradientReversal);

    public static Tensor Apply(Tensor input, double lambda) => apply(input, lambda);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var input = (Tensor)vars[0];
        ctx.save_data("lambda", (double)vars[1]);
        return input.view_as(input);
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
    {
        // Explicit scalar, alive until the native call returns (see Training/LocalOptimizer). One entry per input, or libtorch aborts.
        using var factor = (-(double)ctx.get_data("lambda")).ToScalar();
        return [grad_output.mul(factor), null!];
    }
}
