using FedOrleans.Models.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedOrleans.Models.Adapters;

/// <summary>
/// A mixture of low-rank experts (MixLoRA; S'MoRE's "MoLRE"): <c>Δ(x) = (α/r) Σ_j w_j B_{i_j} A_{i_j} x</c>, where a
/// linear router (<c>router</c>, no bias) gives the logits and the gate picks experts <c>i_j</c> with weights
/// <c>w_j</c>. All experts run as one batched product (<c>lora_A [s, r, in]</c>, <c>lora_B [s, out, r]</c>, B zero).
/// The noisy gate adds <c>router_noise</c> (zero-initialised) for its noise scale.
/// </summary>
public sealed class MixLoraAdapter : LinearAdapter
{
    private readonly Linear router;
    private readonly Linear? router_noise;
    private readonly Parameter lora_A;
    private readonly Parameter lora_B;

    public MixLoraAdapter(int inFeatures, int outFeatures, MixLoraSettings settings, ulong seed)
        : base(nameof(MixLoraAdapter), inFeatures, outFeatures)
    {
        settings.Validate();
        Settings = settings;
        using var generator = new Generator(seed);
        router = nn.Linear(inFeatures, settings.Experts, hasBias: false);
        lora_A = nn.Parameter(empty(settings.Experts, settings.Rank, inFeatures));
        lora_B = nn.Parameter(zeros(settings.Experts, outFeatures, settings.Rank));
        using (no_grad())
        {
            AdapterInit.Linear(router.weight!, null, generator);
            AdapterInit.KaimingUniformPerSlice(lora_A, generator);  // each expert's A as a LoRA's: fan-in = in
        }
        if (settings.Gate == GateKind.NoisyTopK)
        {
            router_noise = nn.Linear(inFeatures, settings.Experts, hasBias: false);
            using (no_grad())
            {
                router_noise.weight!.zero_();
            }
        }
        RegisterComponents();
    }

    public MixLoraSettings Settings { get; }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var tokens = input.reshape(-1, InFeatures);
        var mask = Context?.TokenMask?.reshape(tokens.shape[0]);
        var logits = router.call(tokens);
        var decision = Settings.Gate switch
        {
            GateKind.Dense => GateFunctions.Dense(logits),
            GateKind.Switch => GateFunctions.Switch(logits, Settings.Active, mask, Settings.BalanceLossWeight),
            GateKind.NoisyTopK when training => GateFunctions.NoisyTopK(logits,
                randn(logits.shape, device: logits.device, generator: NoiseGenerator),
                GateFunctions.NoiseScale(router_noise!.call(tokens)), Settings.Active, mask, Settings.BalanceLossWeight),
            GateKind.NoisyTopK => GateFunctions.NoisyTopK(logits, null, null, Settings.Active, mask, Settings.BalanceLossWeight),
            _ => throw new InvalidOperationException($"unknown gate {Settings.Gate}"),
        };
        if (decision.Loss is not null && Context is not null)
        {
            Context.Add(decision.Loss);
        }
        using var scaling = (Settings.Alpha / Settings.Rank).ToScalar();
        var delta = Mix(tokens, lora_A, lora_B, decision.Indices, decision.Scores).mul(scaling);
        return delta.reshape(input.shape[..^1].Append((long)OutFeatures).ToArray()).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <c>Σ_j scores[n,j] · B_{idx[n,j]} A_{idx[n,j]} x_n</c> for tokens <c>[N, in]</c>, <c>A [s, r, in]</c>,
    /// <c>B [s, out, r]</c>, <c>indices</c> and <c>scores</c> <c>[N, f]</c>: <c>[N, out]</c>.
    /// </summary>
    public static Tensor Mix(Tensor tokens, Tensor a, Tensor b, Tensor indices, Tensor scores)
    {
        using var scope = NewDisposeScope();
        var all = einsum("nsr,sor->nso", einsum("nd,srd->nsr", tokens, a), b);
        long n = tokens.shape[0];
        var picked = all.gather(1, indices.unsqueeze(-1).expand(n, indices.shape[1], all.shape[2]));
        return picked.mul(scores.unsqueeze(-1)).sum(1).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            router.Dispose();
            router_noise?.Dispose();
            lora_A.Dispose();
            lora_B.Dispose();
        }
        base.Dispose(disposing);
    }
}
