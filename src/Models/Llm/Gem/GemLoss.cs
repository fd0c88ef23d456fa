using static TorchSharp.torch;

namespace FedOrleans.Models.Llm.Gem;

/// <summary>GEM's two objectives (papers.md section 1.5) and the special-token embedding they share.</summary>
public static class GemLoss
{
    /// <summary>
    /// Mean next-token cross-entropy over every position whose target is not <see cref="GemRow.IgnoreIndex"/>
    /// (<paramref name="logits"/> <c>[B, T, V]</c>, <paramref name="targets"/> <c>[B, T]</c>).
    /// </summary>
    public static Tensor NextToken(Tensor logits, Tensor targets) =>
        nn.functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), targets.reshape(-1), ignore_index: GemRow.IgnoreIndex);

    /// <summary>
    /// The text embedding of each row: the mean of the last-layer states at its special-token positions
    /// (<paramref name="hidden"/> <c>[B, T, H]</c> to <c>[B, H]</c>).
    /// </summary>
    public static Tensor SpecialTokenStates(Tensor hidden, IReadOnlyList<GemRow> rows)
    {
        using var scope = NewDisposeScope();
        long length = hidden.shape[1];
        var weights = new float[rows.Count * length];
        for (int r = 0; r < rows.Count; r++)
        {
            if (rows[r].SpecialCount == 0)
            {
                throw new ArgumentException($"row {r} has no special token to embed");
            }
            foreach (int position in rows[r].SpecialPositions)
            {
                weights[r * length + position] = 1f / rows[r].SpecialCount;
            }
        }
        var w = tensor(weights, [rows.Count, 1, length], device: hidden.device).to_type(hidden.dtype);
        return w.bmm(hidden).squeeze(1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// InfoNCE over the batch: row b's query should match document b against the batch's other documents.
    /// Logits are <c>exp(logitScale) * cos(q_a, d_b)</c> (CLIP's learnable temperature, kept in log space).
    /// </summary>
    public static Tensor InfoNce(Tensor queries, Tensor documents, Tensor logitScale)
    {
        using var scope = NewDisposeScope();
        var q = nn.functional.normalize(queries, p: 2, dim: -1);
        var d = nn.functional.normalize(documents, p: 2, dim: -1);
        var logits = q.matmul(d.transpose(0, 1)).mul(logitScale.exp());
        var labels = arange(queries.shape[0], ScalarType.Int64, queries.device);
        return nn.functional.cross_entropy(logits, labels).MoveToOuterDisposeScope();
    }
}
