using FedOrleans.Models.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace FedOrleans.Models.Llm;

/// <summary>
/// A Llama-architecture causal language model (Hugging Face's <c>LlamaForCausalLM</c>): the decoder
/// <c>model</c> and the output head <c>lm_head</c>, which is the token embedding itself when
/// <see cref="LlamaConfig.TieWordEmbeddings"/> is set. Parameter names are the checkpoint names
/// (<c>model.layers.0.self_attn.q_proj.weight</c> ...), so <see cref="LlamaCheckpoint"/> maps them one to one.
/// Float32; move it with <c>to(device)</c>.
/// </summary>
public sealed class LlamaForCausalLM : nn.Module<Tensor, Tensor?, Tensor>
{
    /// <summary>Standard deviation of the normal initialisation of every matrix (Hugging Face's <c>initializer_range</c>).</summary>
    public const double InitializerRange = 0.02;

    private readonly LlamaModel model;
    private readonly nn.Module<Tensor, Tensor>? lm_head;

    public LlamaForCausalLM(LlamaConfig config) : base(nameof(LlamaForCausalLM))
    {
        config.Validate();
        Config = config;
        model = new LlamaModel(config);
        lm_head = config.TieWordEmbeddings ? null : nn.Linear(config.HiddenSize, config.VocabSize, hasBias: false);
        RegisterComponents();
    }

    public LlamaConfig Config { get; }

    /// <summary>Logits <c>[B, T, vocab]</c> for <paramref name="inputIds"/> <c>[B, T]</c> under <paramref name="attentionMask"/> (null: causal).</summary>
    public override Tensor forward(Tensor inputIds, Tensor? attentionMask)
    {
        using var scope = NewDisposeScope();
        return Head(HiddenStates(inputIds, attentionMask)).MoveToOuterDisposeScope();
    }

    /// <summary>The last hidden states <c>[B, T, hidden]</c> (after the final RMSNorm), as transformers' <c>last_hidden_state</c>.</summary>
    public Tensor HiddenStates(Tensor inputIds, Tensor? attentionMask = null, Tensor? positionIds = null) =>
        model.call(inputIds, attentionMask, positionIds);

    /// <summary>The output head applied to hidden states: logits <c>[..., vocab]</c>.</summary>
    public Tensor Head(Tensor hidden) =>
        lm_head is null ? nn.functional.linear(hidden, model.EmbeddingWeight) : lm_head.call(hidden);

    /// <summary>Moves the weights to <paramref name="device"/> (the CPU when null); the model's tensors follow its weights.</summary>
    public LlamaForCausalLM MoveTo(Device? device)
    {
        this.to(device ?? CPU);
        return this;
    }

    /// <summary>
    /// Initialises a fresh model reproducibly: every matrix (embedding, projections, head) from
    /// N(0, <see cref="InitializerRange"/>^2), every RMSNorm weight 1 (as transformers does).
    /// </summary>
    public void Initialize(ulong seed)
    {
        using var noGrad = no_grad();
        using var generator = new Generator(seed, EmbeddingDevice);
        foreach (var (_, parameter) in named_parameters())
        {
            if (parameter.dim() == 2)
            {
                parameter.normal_(0, InitializerRange, generator);
            }
            else
            {
                parameter.fill_(TorchScalars.One);
            }
        }
    }

    /// <summary>
    /// A new model with <paramref name="count"/> more vocabulary rows (added special tokens get the ids
    /// <c>vocab .. vocab + count - 1</c>). Existing weights are copied; every new row of the embedding (and of
    /// an untied head) is the mean of the existing rows, so a new token starts as an "average token" whose
    /// logit stays near the mean logit instead of dominating or vanishing. This model is left unchanged;
    /// the caller owns and disposes both.
    /// </summary>
    public LlamaForCausalLM WithAddedTokens(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var grown = new LlamaForCausalLM(Config with { VocabSize = Config.VocabSize + count });
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var source = named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, target) in grown.named_parameters())
        {
            var weight = source[name];
            if (target.shape.SequenceEqual(weight.shape))
            {
                target.copy_(weight);
                continue;
            }
            // embed_tokens.weight or lm_head.weight: [vocab, hidden] grows along dimension 0.
            var mean = weight.mean([0L], keepdim: true).expand(count, weight.shape[1]);
            target.copy_(cat([weight, mean], 0));
        }
        grown.to(EmbeddingDevice);
        return grown;
    }

    private Device EmbeddingDevice => model.EmbeddingWeight.device;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            model.Dispose();
            lm_head?.Dispose();
        }
        base.Dispose(disposing);
        if (disposing)
        {
            TorchModules.ReleaseNative(this);
        }
    }
}
