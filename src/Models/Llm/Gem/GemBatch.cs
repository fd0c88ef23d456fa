using static TorchSharp.torch;

namespace FedOrleans.Models.Llm.Gem;

/// <summary>
/// Right-padded rows as tensors: input ids <c>[B, T]</c>, the GEM boolean mask <c>[B, 1, T, T]</c> and
/// next-token targets <c>[B, T]</c> (<see cref="GemRow.IgnoreIndex"/> at padding). The tensors belong to
/// the caller's dispose scope.
/// </summary>
public sealed record GemBatch(IReadOnlyList<GemRow> Rows, Tensor InputIds, Tensor Mask, Tensor Targets)
{
    public static GemBatch Collate(IReadOnlyList<GemRow> rows, int padId, Device? device = null)
    {
        if (rows.Count == 0)
        {
            throw new ArgumentException("a batch needs at least one row");
        }
        int length = rows.Max(r => r.Length);
        var ids = new long[rows.Count * length];
        var targets = new long[rows.Count * length];
        for (int r = 0; r < rows.Count; r++)
        {
            for (int i = 0; i < length; i++)
            {
                bool real = i < rows[r].Length;
                ids[r * length + i] = real ? rows[r].InputIds[i] : padId;
                targets[r * length + i] = real ? rows[r].Targets[i] : GemRow.IgnoreIndex;
            }
        }
        return new GemBatch(
            rows,
            tensor(ids, [rows.Count, length], device: device),
            GemMask.Batch(rows, length, device),
            tensor(targets, [rows.Count, length], device: device));
    }
}
