using FedOrleans.Models.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace FedOrleans.Models.Llm;

/// <summary>One pre-norm decoder block: <c>h = x + attn(norm1(x))</c>, <c>out = h + mlp(norm2(h))</c>.</summary>
public sealed class LlamaDecoderLayer : nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor>
{
    private readonly LlamaAttention self_attn;
    private readonly LlamaMlp mlp;
    private readonly RmsNorm input_layernorm;
    private readonly RmsNorm post_attention_layernorm;

    public LlamaDecoderLayer(LlamaConfig config) : base(nameof(LlamaDecoderLayer))
    {
        self_attn = new LlamaAttention(config);
        mlp = new LlamaMlp(config);
        input_layernorm = new RmsNorm(config.HiddenSize, config.RmsNormEps);
        post_attention_layernorm = new RmsNorm(config.HiddenSize, config.RmsNormEps);
        RegisterComponents();
    }


    public override Tensor forward(Tensor hidden, Tensor cos, Tensor sin, Tensor additiveMask)
    {
        using var scope = NewDisposeScope();
        var h = hidden.add(self_attn.call(input_layernorm.call(hidden), cos, sin, additiveMask), alpha: TorchScalars.One);
        var output = h.add(mlp.call(post_attention_layernorm.call(h)), alpha: TorchScalars.One);
        return output.MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            self_attn.Dispose();
            mlp.Dispose();
            input_layernorm.Dispose();
            post_attention_layernorm.Dispose();
        }
        base.Dispose(disposing);
    }
}
