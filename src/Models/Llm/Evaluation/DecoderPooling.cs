namespace FedOrleans.Models.Llm.Evaluation;

/// <summary>How a decoder's last-layer states become one vector.</summary>
public enum DecoderPooling
{
    /// <summary>GEM (papers.md 1.7): the special token(s) appended, their states averaged.</summary>
    Gem,

    /// <summary>The paper's baseline: the mean over the text's own tokens.</summary>
    Mean,

    /// <summary>The state of the text's last token (what a causal decoder has seen everything at).</summary>
    Last,
}
