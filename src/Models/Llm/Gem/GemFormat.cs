namespace FedOrleans.Models.Llm.Gem;

/// <summary>Where a text's special tokens go (papers.md section 1.3; the paper describes both).</summary>
public enum GemFormat
{
    /// <summary>Text reconstruction <c>x S x</c>: the whole text, the special tokens, the text again.</summary>
    Reconstruction,

    /// <summary>Random split <c>x[:u] S x[u:]</c> with u uniform in [1, len - 1].</summary>
    RandomSplit,
}
