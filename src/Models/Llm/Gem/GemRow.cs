namespace FedOrleans.Models.Llm.Gem;

/// <summary>
/// One training or embedding row: <see cref="InputIds"/> laid out as <c>prefix [S_1 .. S_k] suffix</c>
/// (k = <see cref="SpecialCount"/>; a plain text row has k = 0 and everything in the prefix), and
/// <see cref="Targets"/>: at position i the token the model should predict next (the token at i + 1), or
/// <see cref="IgnoreIndex"/> where there is none or where that token is a special token: GEM never trains
/// the model to predict where a special token goes.
/// </summary>
public sealed record GemRow(int[] InputIds, int[] Targets, int PrefixLength, int SpecialCount, int SuffixLength)
{
    /// <summary>The label that the loss skips (PyTorch's default <c>ignore_index</c>).</summary>
    public const int IgnoreIndex = -100;

    public int Length => InputIds.Length;

    public bool IsPlain => SpecialCount == 0;

    /// <summary>Positions of the special tokens: <c>[PrefixLength, PrefixLength + SpecialCount)</c>.</summary>
    public IEnumerable<int> SpecialPositions => Enumerable.Range(PrefixLength, SpecialCount);

    /// <summary>Builds the row and its next-token targets; targets that are special tokens are ignored.</summary>
    public static GemRow Create(IReadOnlyList<int> prefix, IReadOnlyList<int> specialIds, IReadOnlyList<int> suffix)
    {
        var ids = prefix.Concat(specialIds).Concat(suffix).ToArray();
        int firstSpecial = prefix.Count, endSpecial = prefix.Count + specialIds.Count;
        var targets = new int[ids.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            int next = i + 1;
            targets[i] = next >= ids.Length || (next >= firstSpecial && next < endSpecial) ? IgnoreIndex : ids[next];
        }
        return new GemRow(ids, targets, prefix.Count, specialIds.Count, suffix.Count);
    }

    /// <summary>An ordinary causal language-modelling row.</summary>
    public static GemRow Plain(IReadOnlyList<int> text) => Create(text, [], []);
}
