namespace FedOrleans.Models.Llm.Tokenization;

/// <summary>The two tokenizer designs of the Llama family.</summary>
public enum HfTokenizerDesign
{
    /// <summary>SentencePiece BPE: spaces escaped as '▁', a '▁' before the text, bytes as &lt;0xHH&gt; pieces for unknown characters (Llama 1 and 2, Mistral).</summary>
    SentencePieceBpe,

    /// <summary>Byte-level BPE (GPT-2's byte-to-character map) after a regex split, tiktoken-compatible (Llama 3).</summary>
    ByteLevelBpe,
}
