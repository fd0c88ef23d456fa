using static TorchSharp.torch;

namespace FedOrleans.Models.Llm.Gem;

/// <summary>
/// GEM's attention mask (papers.md section 1.4). For a row of m prefix tokens, k special tokens and n
/// suffix tokens (prefix = [0, m), special = [m, m + k), suffix = [m + k, T)), start from the causal pattern
/// <c>allowed[i, j] = j &lt;= i</c>, then block suffix queries from prefix keys (the bottleneck: the suffix
/// sees the prefix only through the special tokens) and special tokens from each other. So a prefix token
/// sees the prefix up to itself, a special token sees the whole prefix and itself, and a suffix token sees
/// all special tokens and the suffix up to itself. Attention stays causal; nothing is bidirectional.
/// A plain row (k = 0) gets the ordinary causal mask.
/// </summary>
public static class GemMask
{
    /// <summary>The pattern for one row; <c>[i, j]</c> is true where query i may attend key j.</summary>
    public static bool[,] Allowed(int prefix, int special, int suffix)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(prefix);
        ArgumentOutOfRangeException.ThrowIfNegative(special);
        ArgumentOutOfRangeException.ThrowIfNegative(suffix);
        int length = prefix + special + suffix;
        var allowed = new bool[length, length];
        for (int i = 0; i < length; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                allowed[i, j] = true;
            }
        }
        for (int i = prefix + special; i < length; i++)
        {
            for (int j = 0; j < prefix; j++)
            {
                allowed[i, j] = false;
            }
        }
        for (int a = prefix; a < prefix + special; a++)
        {
            for (int b = prefix; b < prefix + special; b++)
            {
                if (a != b)
                {
                    allowed[a, b] = false;
                }
            }
        }
        return allowed;
    }

    /// <summary>
    /// The boolean mask <c>[B, 1, T, T]</c> for right-padded rows: row r follows <see cref="Allowed"/> for its
    /// own (prefix, special, suffix) sizes; padding positions after it are causal (their keys lie in every
    /// real query's future, so no real token sees them, and padding queries never produce an all-blocked row).
    /// </summary>
    public static Tensor Batch(IReadOnlyList<GemRow> rows, int length, Device? device = null)
    {
        var flat = new bool[(long)rows.Count * length * length];
        for (int r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            if (row.Length > length)
            {
                throw new ArgumentException($"row {r} has {row.Length} tokens, more than the batch length {length}");
            }
            var allowed = Allowed(row.PrefixLength, row.SpecialCount, row.SuffixLength);
            long offset = (long)r * length * length;
            for (int i = 0; i < length; i++)
            {
                for (int j = 0; j <= i; j++)
                {
                    flat[offset + (long)i * length + j] = i >= row.Length || allowed[i, j];
                }
            }
        }
        return tensor(flat, [rows.Count, 1, length, length], device: device);
    }
}
