using TorchSharp.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace FedOrleans.Models.Llm;

/// <summary>
/// The decoder stack without the output head (Hugging Face's <c>LlamaModel</c>, the <c>model.</c> prefix of a
/// checkpoint): token embedding <c>embed_tokens</c>, <c>layers.{i}</c>, final <c>norm</c>.
/// Returns the last hidden states after the final RMSNorm.
/// </summary>
public sealed class LlamaModel : nn.Module<Tensor, Tensor?, Tensor?, Tensor>
{
    private readonly Embedding embed_tokens;
    private readonly ModuleList<LlamaDecoderLayer> layers;
    private readonly RmsNorm norm;
    private readonly RotaryPositions _rotary;

    public LlamaModel(LlamaConfig config) : base(nameof(LlamaModel))
    {
        embed_tokens = nn.Embedding(config.VocabSize, config.HiddenSize);
        layers = new ModuleList<LlamaDecoderLayer>();
        for (int i = 0; i < config.NumHiddenLayers; i++)
        {
            layers.Add(new LlamaDecoderLayer(config));
        }
        norm = new RmsNorm(config.HiddenSize, config.RmsNormEps);
        _rotary = new RotaryPositions(config);
        RegisterComponents();
    }

    /// <summary>The token embedding matrix <c>[vocab, hidden]</c> (also the output head when embeddings are tied).</summary>
    public Parameter EmbeddingWeight => embed_tokens.weight!;

    /// <summary>
    /// <paramref name="inputIds"/> <c>[B, T]</c> int64; <paramref name="attentionMask"/> as
    /// <see cref="AttentionMask"/> accepts (null: causal); <paramref name="positionIds"/> <c>[B, T]</c> or
    /// <c>[T]</c> int64 (null: 0..T-1). Returns <c>[B, T, hidden]</c>.
    /// </summary>
    public override Tensor forward(Tensor inputIds, Tensor? attentionMask, Tensor? positionIds)
    {
        using var scope = NewDisposeScope();
        if (inputIds.dim() != 2)
        {
            throw new ArgumentException($"input ids must be [B, T]; got [{string.Join(", ", inputIds.shape)}]");
        }
        long batch = inputIds.shape[0], length = inputIds.shape[1];
        var hidden = embed_tokens.call(inputIds);
        var positions = positionIds ?? arange(length, ScalarType.Int64, inputIds.device);
        if (positions.dim() == 1)
        {
            positions = positions.unsqueeze(0).expand(batch, length);
        }
        var (cos, sin) = _rotary.For(positions, hidden.dtype);
        var additive = AttentionMask.ToAdditive(attentionMask, length, hidden.dtype, hidden.device);
        foreach (var layer in layers)
        {
            hidden = layer.call(hidden, cos, sin, additive);
        }
        return norm.call(hidden).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            embed_tokens.Dispose();
            foreach (var layer in layers)
            {
                layer.Dispose();
            }
            layers.Dispose();
            norm.Dispose();
        }
        base.Dispose(disposing);
    }
}
