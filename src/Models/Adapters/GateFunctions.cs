using FedOrleans.Models.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace FedOrleans.Models.Adapters;

/// <summary>
/// The three gates of S'MoRE and MixLoRA as pure tensor functions over logits of shape <c>[N, paths..., s]</c>
/// (<c>N</c> tokens, any number of router-path axes). A token mask <c>[N]</c> (1 = real token, 0 = padding) only
/// enters the balance loss, load and importance; every token is routed.
/// </summary>
public static class GateFunctions
{
    /// <summary>Additive floor of the noise scale of the noisy gate (Shazeer's <c>noise_epsilon</c>).</summary>
    public const double NoiseEpsilon = 1e-2;

    /// <summary>The small constant in the denominator of <see cref="CoefficientOfVariationSquared"/>.</summary>
    public const double CvEpsilon = 1e-10;

    /// <summary>Dense gate: softmax over all experts, every expert in index order, no loss.</summary>
    public static GateDecision Dense(Tensor logits)
    {
        using var scope = NewDisposeScope();
        var scores = logits.softmax(-1);
        long s = logits.shape[^1];
        var indices = arange(s, dtype: int64, device: logits.device).expand(logits.shape);
        return new GateDecision(indices.contiguous(), scores, null, null, null).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Switch gate (MixLoRA): <c>p = softmax(logits)</c>, the top-<paramref name="fanOut"/> experts, their scores
    /// renormalised to sum to 1 when more than one is chosen, and the balance loss <see cref="SwitchBalanceLoss"/>.
    /// </summary>
    public static GateDecision Switch(Tensor logits, int fanOut, Tensor? tokenMask, double weight)
    {
        using var scope = NewDisposeScope();
        var probabilities = logits.softmax(-1);
        var (top, indices) = probabilities.topk(fanOut, dim: -1);
        var scores = fanOut > 1 ? top.div(top.sum(-1, keepdim: true)) : top;
        var (loss, load) = SwitchBalanceLoss(probabilities, indices, tokenMask, weight);
        return new GateDecision(indices, scores, loss, load, zeros(logits.shape[^1], device: logits.device)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// MixLoRA's balance loss over valid (mask 1) tokens: <c>weight · s · Σ_e T_e·P_e</c>, where
    /// <c>T_e</c> = (masked count of slots routed to e) / N_valid and <c>P_e</c> = (masked sum of p_e) / N_valid,
    /// <c>N_valid</c> = (number of valid tokens) × (product of the router-path axes). Also returns the load <c>T·N_valid</c>.
    /// </summary>
    public static (Tensor Loss, Tensor Load) SwitchBalanceLoss(Tensor probabilities, Tensor indices, Tensor? tokenMask, double weight)
    {
        using var scope = NewDisposeScope();
        long s = probabilities.shape[^1];
        long tokens = probabilities.shape[0];
        long paths = 1;
        for (int i = 1; i < probabilities.dim() - 1; i++)
        {
            paths *= probabilities.shape[i];
        }
        var mask = TokenWeights(tokenMask, tokens, probabilities.device);
        using var pathsScalar = ((double)paths).ToScalar();
        var validSlots = mask.sum().mul(pathsScalar);
        var assigned = nn.functional.one_hot(indices, s).to_type(float32).mul(Broadcast(mask, indices.dim() + 1));
        var tokensPerExpert = assigned.reshape(-1, s).sum(0L).div(validSlots);
        var scorePerExpert = probabilities.mul(Broadcast(mask, probabilities.dim())).reshape(-1, s).sum(0L).div(validSlots);
        using var factor = (weight * s).ToScalar();
        var loss = tokensPerExpert.mul(scorePerExpert).sum().mul(factor);
        var load = tokensPerExpert.mul(validSlots);
        return (loss.MoveToOuterDisposeScope(), load.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Noisy top-k gate (Shazeer et al. 2017) on cosine logits <paramref name="clean"/>. In training pass the noise
    /// <paramref name="standardNormal"/> (ε, shaped like the logits) and its scale <paramref name="noiseScale"/>
    /// (<c>softplus(W_noise·h) + 0.01</c>): the logits become <c>clean + ε·scale</c> and the load is the smooth
    /// normal-CDF estimate; otherwise (evaluation) the logits are clean and the load counts selections.
    /// Weights are the softmax of the top-f logits (the raw logit when f = 1); loss = <c>weight·(cv²(importance) + cv²(load))</c>.
    /// </summary>
    public static GateDecision NoisyTopK(Tensor clean, Tensor? standardNormal, Tensor? noiseScale, int fanOut, Tensor? tokenMask, double weight)
    {
        using var scope = NewDisposeScope();
        long s = clean.shape[^1];
        bool noisy = standardNormal is not null && noiseScale is not null;
        var logits = noisy ? clean.add(standardNormal!.mul(noiseScale!), alpha: TorchScalars.One) : clean;
        int k = (int)Math.Min(fanOut + 1, s);
        var (topLogits, topIndices) = logits.topk(k, dim: -1);
        var selectedLogits = topLogits.narrow(-1, 0, fanOut);
        var indices = topIndices.narrow(-1, 0, fanOut).contiguous();
        var scores = fanOut > 1 ? selectedLogits.softmax(-1) : selectedLogits;
        var mask = Broadcast(TokenWeights(tokenMask, clean.shape[0], clean.device), clean.dim());
        var scattered = zeros_like(logits).scatter(-1, indices, scores);
        var importance = scattered.mul(mask).reshape(-1, s).sum(0L);
        Tensor load;
        if (noisy)
        {
            var thresholdIn = topLogits.narrow(-1, k - 1, 1);
            var thresholdOut = topLogits.narrow(-1, k - 2, 1);
            var isIn = logits.gt(thresholdIn);
            var probabilityIn = NormalCdf(clean.sub(thresholdIn).div(noiseScale!));
            var probabilityOut = NormalCdf(clean.sub(thresholdOut).div(noiseScale!));
            load = where(isIn, probabilityIn, probabilityOut).mul(mask).reshape(-1, s).sum(0L);
        }
        else
        {
            using var zero = 0.0.ToScalar();
            load = scattered.mul(mask).gt(zero).to_type(float32).reshape(-1, s).sum(0L);
        }
        using var w = weight.ToScalar();
        var loss = CoefficientOfVariationSquared(importance).add(CoefficientOfVariationSquared(load), alpha: TorchScalars.One).mul(w);
        return new GateDecision(indices, scores, loss, load, importance).MoveToOuterDisposeScope();
    }

    /// <summary>The noise scale of the noisy gate: <c>softplus(projected) + 0.01</c>.</summary>
    public static Tensor NoiseScale(Tensor projected)
    {
        using var scope = NewDisposeScope();
        using var epsilon = NoiseEpsilon.ToScalar();
        return nn.functional.softplus(projected).add(epsilon, alpha: TorchScalars.One).MoveToOuterDisposeScope();
    }

    /// <summary>Squared coefficient of variation <c>var_unbiased(v) / (mean(v)² + 1e-10)</c> of a vector; 0 for one element.</summary>
    public static Tensor CoefficientOfVariationSquared(Tensor values)
    {
        using var scope = NewDisposeScope();
        long n = values.shape[0];
        if (n == 1)
        {
            return zeros([], device: values.device).MoveToOuterDisposeScope();
        }
        var v = values.to_type(float32);
        var mean = v.mean();
        var centred = v.sub(mean);
        using var denominatorN = (n - 1.0).ToScalar();
        using var epsilon = CvEpsilon.ToScalar();
        var variance = centred.mul(centred).sum().div(denominatorN);
        return variance.div(mean.mul(mean).add(epsilon, alpha: TorchScalars.One)).MoveToOuterDisposeScope();
    }

    /// <summary>The standard normal CDF <c>Φ(x) = (1 + erf(x/√2))/2</c>.</summary>
    public static Tensor NormalCdf(Tensor x)
    {
        using var scope = NewDisposeScope();
        using var inverseSqrt2 = (1.0 / Math.Sqrt(2.0)).ToScalar();
        using var half = 0.5.ToScalar();
        return x.mul(inverseSqrt2).erf().add(TorchScalars.One, alpha: TorchScalars.One).mul(half).MoveToOuterDisposeScope();
    }

    /// <summary>The mask as float <c>[N]</c> (all ones when absent).</summary>
    private static Tensor TokenWeights(Tensor? tokenMask, long tokens, Device device) =>
        tokenMask is null ? ones(tokens, device: device) : tokenMask.reshape(tokens).to_type(float32);

    /// <summary><c>[N]</c> viewed as <c>[N, 1, ..., 1]</c> with <paramref name="rank"/> axes.</summary>
    private static Tensor Broadcast(Tensor mask, long rank)
    {
        var shape = new long[rank];
        Array.Fill(shape, 1L);
        shape[0] = mask.shape[0];
        return mask.view(shape);
    }
}
