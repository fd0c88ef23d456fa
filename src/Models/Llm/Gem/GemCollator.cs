namespace FedOrleans.Models.Llm.Gem;

/// <summary>
/// Turns token sequences into GEM rows (papers.md sections 1.3, 1.5 and 1.7): plain rows with probability p,
/// special-token rows (reconstruction or random split) otherwise; prefix-dropout twins for the contrastive
/// loss; and embedding rows (the special tokens appended to the text). All randomness comes from the
/// <see cref="Random"/> the caller passes.
/// </summary>
public sealed class GemCollator
{
    private readonly int[] _specialIds;
    private readonly GemSettings _settings;
    private readonly int[] _start;

    /// <param name="specialIds">GEM's special token ids, in order.</param>
    /// <param name="settings">The GEM settings (format, lengths, mix ratio, prefix dropout).</param>
    /// <param name="beginOfText">The tokenizer's begin-of-text id (Llama's &lt;s&gt;), put first in every row; null for none (GPT-2).</param>
    public GemCollator(IReadOnlyList<int> specialIds, GemSettings settings, int? beginOfText = null)
    {
        settings.Validate();
        if (specialIds.Count != settings.SpecialTokenCount)
        {
            throw new ArgumentException($"{specialIds.Count} special token ids for SpecialTokenCount {settings.SpecialTokenCount}");
        }
        _specialIds = [.. specialIds];
        _settings = settings;
        _start = beginOfText is { } bos ? [bos] : [];
    }

    public IReadOnlyList<int> SpecialIds => _specialIds;

    /// <summary>The mixed-NTP row of a text: plain with probability p, with special tokens otherwise.</summary>
    public GemRow Mixed(IReadOnlyList<int> text, Random random) =>
        random.NextDouble() < _settings.PlainProbability || text.Count < 2
            ? GemRow.Plain([.. _start, .. Truncate(text, _settings.MaxLength - _start.Length)])
            : WithSpecialTokens(text, random);

    /// <summary>The text with special tokens, in the configured format, truncated to fit the maximum length.</summary>
    public GemRow WithSpecialTokens(IReadOnlyList<int> text, Random random)
    {
        int k = _specialIds.Length;
        if (_settings.Format == GemFormat.Reconstruction)
        {
            var x = Truncate(text, (_settings.MaxLength - k - _start.Length) / 2);
            return GemRow.Create([.. _start, .. x], _specialIds, x);
        }
        var t = Truncate(text, _settings.MaxLength - k - _start.Length);
        int u = t.Length < 2 ? t.Length : random.Next(1, t.Length);
        return GemRow.Create([.. _start, .. t[..u]], _specialIds, t[u..]);
    }

    /// <summary>
    /// The prefix a contrastive row embeds: the whole text (reconstruction) or its random-split prefix.
    /// The suffix is left out: under the GEM mask it cannot change the special tokens' states.
    /// </summary>
    public int[] ContrastivePrefix(IReadOnlyList<int> text, Random random)
    {
        var row = WithSpecialTokens(text, random);
        return row.InputIds[..row.PrefixLength];
    }

    /// <summary>
    /// Prefix dropout for the positive twin: each token is dropped independently with probability
    /// <see cref="GemSettings.PrefixDropout"/>; if that would drop every token, one random token is kept.
    /// </summary>
    public int[] DropPrefix(IReadOnlyList<int> prefix, Random random)
    {
        // The begin-of-text token, where rows have one, is kept: only the text is dropped out.
        var text = prefix.Skip(_start.Length).ToList();
        var kept = text.Where(_ => random.NextDouble() >= _settings.PrefixDropout).ToArray();
        return [.. _start, .. kept.Length > 0 || text.Count == 0 ? kept : [text[random.Next(text.Count)]]];
    }

    /// <summary>The inference row of papers.md section 1.7: the whole text, then the special tokens, no suffix.</summary>
    public GemRow Embedding(IReadOnlyList<int> text) =>
        GemRow.Create([.. _start, .. Truncate(text, _settings.MaxLength - _specialIds.Length - _start.Length)], _specialIds, []);

    private static int[] Truncate(IReadOnlyList<int> text, int length) => text.Take(length).ToArray();
}
