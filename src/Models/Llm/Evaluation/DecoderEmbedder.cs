using FedOrleans.Models.Llm.Gem;
using FedOrleans.Models.Llm.Tokenization;
using FedOrleans.Models.Torch;
using static TorchSharp.torch;

namespace FedOrleans.Models.Llm.Evaluation;

/// <summary>
/// Embeddings from a Llama decoder and its tokenizer: GEM special-token states (<see cref="GemEmbedder.Embed"/>),
/// mean pooling (<see cref="GemEmbedder.MeanPooled"/>) or the last token's state (<see cref="LastToken"/>).
/// Texts are cut to <paramref name="maxTokens"/> tokens (keeping the start) and follow the tokenizer's begin-of-text
/// token where it has one (Llama). The embedder does not own the model.
/// </summary>
public sealed class DecoderEmbedder(LlamaForCausalLM model, ITextTokenizer tokenizer, DecoderPooling pooling,
    IReadOnlyList<int>? specialIds = null, int maxTokens = 128, int batchSize = 16) : ITextEmbedder
{
    public string Name { get; } = pooling.ToString().ToLowerInvariant();

    public float[][] Embed(IReadOnlyList<string> texts, IProgress<int>? progress = null)
    {
        var result = new List<float[]>(texts.Count);
        var collator = pooling == DecoderPooling.Gem
            ? new GemCollator(specialIds is { Count: > 0 } given ? given : throw new ArgumentException("GEM pooling needs the special token ids"),
                new GemSettings(SpecialTokenCount: specialIds.Count, MaxLength: maxTokens + specialIds.Count + 2), tokenizer.BeginOfTextId)
            : null;
        foreach (var chunk in texts.Chunk(batchSize * 4))
        {
            var ids = chunk.Select(Tokenize).ToList();
            result.AddRange(pooling switch
            {
                DecoderPooling.Gem => GemEmbedder.Embed(model, collator!, ids, batchSize: batchSize),
                DecoderPooling.Mean => GemEmbedder.MeanPooled(model, WithBeginOfText(ids), batchSize: batchSize),
                _ => LastToken(model, WithBeginOfText(ids), batchSize: batchSize),
            });
            progress?.Report(result.Count);
        }
        return [.. result];
    }

    /// <summary>The last-layer state at each text's last real token (<see cref="GemEmbedder.LastToken"/>).</summary>
    public static float[][] LastToken(LlamaForCausalLM model, IReadOnlyList<int[]> texts, int padId = 0, int batchSize = 16) =>
        GemEmbedder.LastToken(model, texts, padId, batchSize);

    private List<int[]> WithBeginOfText(List<int[]> ids) => ids.Select(i => CheckpointTokenizers.WithBeginOfText(tokenizer, i)).ToList();

    private int[] Tokenize(string text)
    {
        var ids = tokenizer.Encode(text);
        if (ids.Length == 0)
        {
            ids = [tokenizer.EndOfTextId];
        }
        return ids.Length > maxTokens ? ids[..maxTokens] : ids;
    }
}
