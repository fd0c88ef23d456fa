namespace FedOrleans.Models.Jobs;

/// <summary>What a language-model job does (spec key <c>kind</c>).</summary>
public enum JobKind
{
    /// <summary>Pre-train a Llama-architecture model from scratch on text corpora.</summary>
    Pretrain,

    /// <summary>GEM: turn a pre-trained checkpoint into a text-embedding model (papers.md section 1).</summary>
    Gem,

    /// <summary>Adapter fine-tuning (LoRA, MixLoRA, S'MoRE) of a frozen checkpoint on an answer task (papers.md section 2).</summary>
    Smore,
}
