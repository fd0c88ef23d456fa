using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedOrleans.Models.Adapters;

/// <summary>
/// LoRA (Hu et al. 2021): <c>Δ(x) = (α/r) · B A x</c> with <c>lora_A [r, in]</c> Kaiming-uniform and
/// <c>lora_B [out, r]</c> zero, so the adapted layer starts as the frozen one.
/// </summary>
public sealed class LoraAdapter : LinearAdapter
{
    private readonly Parameter lora_A;
    private readonly Parameter lora_B;
    private readonly double _scaling;

    public LoraAdapter(int inFeatures, int outFeatures, LoraSettings settings, ulong seed)
        : base(nameof(LoraAdapter), inFeatures, outFeatures)
    {
        settings.Validate();
        Settings = settings;
        _scaling = settings.Alpha / settings.Rank;
        lora_A = nn.Parameter(empty(settings.Rank, inFeatures));
        lora_B = nn.Parameter(zeros(outFeatures, settings.Rank));
        using (no_grad())
        {
            using var generator = new Generator(seed);
            AdapterInit.KaimingUniform(lora_A, generator);
        }
        RegisterComponents();
    }

    public LoraSettings Settings { get; }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        using var scaling = _scaling.ToScalar();
        var delta = nn.functional.linear(nn.functional.linear(input, lora_A), lora_B).mul(scaling);
        return delta.MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lora_A.Dispose();
            lora_B.Dispose();
        }
        base.Dispose(disposing);
    }
}
