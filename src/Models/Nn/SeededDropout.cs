using FedOrleans.Models.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace FedOrleans.Models.Nn;

/// <summary>
/// Inverted dropout whose masks come from the fitting client's own generator (<see cref="Stream"/>), not libtorch's
/// global one: a fit's masks are fixed by its seed, whatever else runs in the process, and a cohort fit draws each
/// client's masks from that client's generator in the same order (<see cref="Masks"/>), so both give the same result.
/// Masks are drawn on the CPU (the same on every device). Identity in evaluation mode.
/// </summary>
public sealed class SeededDropout : nn.Module<Tensor, Tensor>
{
    private readonly Scalar _keepScale;

    /// <param name="probability">The chance of zeroing each activation while training, in [0, 1).</param>
    public SeededDropout(double probability) : base(nameof(SeededDropout))
    {
        if (probability is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "dropout must be in [0, 1)");
        }
        Probability = probability;
        _keepScale = (1 / (1 - probability)).ToScalar();
    }

    public double Probability { get; }

    /// <summary>The generator the training fit draws its masks from; set by the trainer before the first forward pass.</summary>
    public Generator? Stream { get; set; }

    public override Tensor forward(Tensor input)
    {
        if (!training || Probability == 0)
        {
            return input;
        }
        var stream = Stream ?? throw new InvalidOperationException("dropout in training mode needs its fit's generator (SeededDropout.Stream)");
        return Drop(input, Keep(input.shape, stream, Probability).to(input.device), _keepScale);
    }

    /// <summary>Masks, then scales the kept activations by <paramref name="keepScale"/> = 1 / (1 - p) (single and cohort fits alike).</summary>
    public static Tensor Drop(Tensor input, Tensor keep, Scalar keepScale) => input.mul(keep).mul(keepScale);

    /// <summary>A 0/1 float mask of <paramref name="shape"/>: 1 where a uniform draw from <paramref name="stream"/> is at least p.</summary>
    public static Tensor Keep(long[] shape, Generator stream, double probability)
    {
        using var p = probability.ToScalar();
        return rand(shape, generator: stream).ge(p).to(ScalarType.Float32);
    }

    /// <summary>Gives every dropout layer of <paramref name="module"/> the fit's generator.</summary>
    public static void Attach(nn.Module module, Generator stream)
    {
        foreach (var layer in module.modules().OfType<SeededDropout>())
        {
            layer.Stream = stream;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _keepScale.Dispose();
        }
        base.Dispose(disposing);
    }
}
