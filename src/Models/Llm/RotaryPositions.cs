using FedOrleans.Models.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace FedOrleans.Models.Llm;

/// <summary>
/// Rotary position embeddings with Hugging Face's <c>rotate_half</c> convention: the head dimension is
/// split into two halves (not interleaved pairs), frequency i rotates element i together with element
/// i + d/2, and <c>x' = x cos + rotate_half(x) sin</c> with <c>rotate_half(x) = [-x2, x1]</c>.
/// Inverse frequencies are <c>theta^(-2i/d)</c>, optionally rescaled by <see cref="RopeScaling"/>.
/// </summary>
public sealed class RotaryPositions
{
    private readonly float[] _inverseFrequencies;

    public RotaryPositions(LlamaConfig config)
    {
        int half = config.HeadDim / 2;
        var frequencies = new double[half];
        for (int i = 0; i < half; i++)
        {
            frequencies[i] = 1.0 / Math.Pow(config.RopeTheta, 2.0 * i / config.HeadDim);
        }
        if (config.RopeScaling is { } scaling)
        {
            frequencies = scaling.Apply(frequencies);
        }
        _inverseFrequencies = frequencies.Select(f => (float)f).ToArray();
    }

    /// <summary>
    /// Cosines and sines for position ids <c>[B, T]</c> (int64), each shaped <c>[B, 1, T, head_dim]</c>
    /// so they broadcast over heads.
    /// </summary>
    public (Tensor Cos, Tensor Sin) For(Tensor positionIds, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var inverse = tensor(_inverseFrequencies, device: positionIds.device);
        var angles = positionIds.to_type(ScalarType.Float32).unsqueeze(-1).mul(inverse);   // [B, T, d/2]
        var doubled = cat([angles, angles], -1).unsqueeze(1);                               // [B, 1, T, d]
        var cos = doubled.cos().to_type(dtype).MoveToOuterDisposeScope();
        var sin = doubled.sin().to_type(dtype).MoveToOuterDisposeScope();
        return (cos, sin);
    }

    /// <summary>Rotates <paramref name="x"/> <c>[B, heads, T, d]</c> by the angles of <see cref="For"/>.</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        long half = x.shape[^1] / 2;
        var first = x.narrow(-1, 0, half);
        var second = x.narrow(-1, half, half);
        var rotated = cat([second.neg(), first], -1);
        return x.mul(cos).add(rotated.mul(sin), alpha: TorchScalars.One).MoveToOuterDisposeScope();
    }
}
