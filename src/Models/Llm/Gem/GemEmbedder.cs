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
    public static float[][] Embed(LlamaForCausalLM model, GemCollator collator, IReadOnlyList<int[]> texts, int padId = 0, int batchSize = 16)
    {
        TorchRuntime.EnsureThreadConfigured();
        model.eval();
        var device = model.parameters().First().device;
        var result = new List<float[]>(texts.Count);
        using var noGrad = no_grad();
        foreach (var chunk in texts.Chunk(batchSize))
        {
            using var scope = NewDisposeScope();
            var rows = chunk.Select(collator.Embedding).ToList();
            var batch = GemBatch.Collate(rows, padId, device);
            var states = GemLoss.SpecialTokenStates(model.HiddenStates(batch.InputIds, batch.Mask), rows).cpu();
            for (int r = 0; r < rows.Count; r++)
            {
                result.Add(states[r].data<float>().ToArray());
            }
        }
        return [.. result];
    }

    /// <summary>The baseline embedding: mean of the last-layer states over the text's tokens, causal mask, no special token.</summary>
    public static float[][] MeanPooled(LlamaForCausalLM model, IReadOnlyList<int[]> texts, int padId = 0, int batchSize = 16) =>
        Pooled(model, texts, (hidden, length) => hidden.narrow(0, 0, length).mean([0L]), padId, batchSize);

    /// <summary>The last-layer state (after the final norm) at each text's last real token; right padding is never read.</summary>
    public static float[][] LastToken(LlamaForCausalLM model, IReadOnlyList<int[]> texts, int padId = 0, int batchSize = 16) =>
        Pooled(model, texts, (hidden, length) => hidden[length - 1], padId, batchSize);

    /// <summary>Runs the plain texts (causal mask, right padding) and pools each row's last-layer states over its own tokens.</summary>
    private static float[][] Pooled(LlamaForCausalLM model, IReadOnlyList<int[]> texts, Func<Tensor, int, Tensor> pool, int padId, int batchSize)
    {
        TorchRuntime.EnsureThreadConfigured();
        model.eval();
        var device = model.parameters().First().device;
        var result = new List<float[]>(texts.Count);
        using var noGrad = no_grad();
        foreach (var chunk in texts.Chunk(batchSize))
        {
            using var scope = NewDisposeScope();
            var rows = chunk.Select(t => GemRow.Plain(t)).ToList();
            var batch = GemBatch.Collate(rows, padId, device);
            var hidden = model.HiddenStates(batch.InputIds, batch.Mask).cpu();
            for (int r = 0; r < rows.Count; r++)
            {
                result.Add(pool(hidden[r], rows[r].Length).data<float>().ToArray());
            }
        }
        return [.. result];
    }
}
