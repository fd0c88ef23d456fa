using FedOrleans.Models.Torch;
using static TorchSharp.torch;

namespace FedOrleans.Models.Llm.Gem;

/// <summary>
/// GEM text embeddings (papers.md section 1.7): the special tokens are appended to the text, the model runs
/// once (with the GEM mask, so several special tokens do not see each other), and the embedding is the mean
/// of the last-layer states at the special-token positions. Also the baseline the paper compares against:
/// the mean of the last-layer states over the text's own tokens.
/// </summary>
public static class GemEmbedder
{
    public static float[][] Embed(LlamaForCausalLM model, GemCollator collator, IReadOnlyList<int[]> texts, int padId = 0, int batchSize = 16) =>
        Batched(model, texts, collator.Embedding, (hidden, rows) => GemLoss.SpecialTokenStates(hidden, rows).cpu(), padId, batchSize);

    /// <summary>The baseline embedding: mean of the last-layer states over the text's tokens, causal mask, no special token.</summary>
    public static float[][] MeanPooled(LlamaForCausalLM model, IReadOnlyList<int[]> texts, int padId = 0, int batchSize = 16) =>
        Pooled(model, texts, (hidden, length) => hidden.narrow(0, 0, length).mean([0L]), padId, batchSize);

    /// <summary>The last-layer state (after the final norm) at each text's last real token; right padding is never read.</summary>
    public static float[][] LastToken(LlamaForCausalLM model, IReadOnlyList<int[]> texts, int padId = 0, int batchSize = 16) =>
        Pooled(model, texts, (hidden, length) => hidden[length - 1], padId, batchSize);

    /// <summary>Runs the plain texts (causal mask, right padding) and pools each row's last-layer states over its own tokens.</summary>
    private static float[][] Pooled(LlamaForCausalLM model, IReadOnlyList<int[]> texts, Func<Tensor, int, Tensor> pool, int padId, int batchSize) =>
        Batched(model, texts, t => GemRow.Plain(t), (hidden, rows) =>
        {
            var onHost = hidden.cpu();
            return stack(rows.Select((row, r) => pool(onHost[r], row.Length)).ToList());
        }, padId, batchSize);

    /// <summary>
    /// Runs <paramref name="texts"/> in batches (rows made by <paramref name="toRow"/>, right padding, no gradients) and
    /// turns each batch's last-layer states into one vector per row with <paramref name="embed"/> (<c>[rows, hidden]</c>).
    /// </summary>
    private static float[][] Batched(LlamaForCausalLM model, IReadOnlyList<int[]> texts, Func<int[], GemRow> toRow,
        Func<Tensor, List<GemRow>, Tensor> embed, int padId, int batchSize)
    {
        TorchRuntime.EnsureThreadConfigured();
        model.eval();
        var device = model.parameters().First().device;
        var result = new List<float[]>(texts.Count);
        using var noGrad = no_grad();
        foreach (var chunk in texts.Chunk(batchSize))
        {
            using var scope = NewDisposeScope();
            var rows = chunk.Select(toRow).ToList();
            var batch = GemBatch.Collate(rows, padId, device);
            var vectors = embed(model.HiddenStates(batch.InputIds, batch.Mask), rows).cpu();
            for (int r = 0; r < rows.Count; r++)
            {
                result.Add(vectors[r].data<float>().ToArray());
            }
        }
        return [.. result];
    }
}
