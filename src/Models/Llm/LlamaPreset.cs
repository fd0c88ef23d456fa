namespace FedOrleans.Models.Llm;

/// <summary>
/// Model sizes for <see cref="LlamaConfig.FromPreset"/>: three small ones that train on a CPU (Nano for the
/// test suite), and the shapes of real Llama checkpoints (the ones the GEM paper fine-tunes).
/// </summary>
public enum LlamaPreset
{
    /// <summary>hidden 64, 2 layers, 4 heads (2 KV heads), MLP 172: the fixture's shape, for CI on a CPU.</summary>
    Nano,

    /// <summary>hidden 128, 4 layers, 4 heads (2 KV heads), MLP 344.</summary>
    Micro,

    /// <summary>hidden 256, 4 layers, 4 heads, MLP 688: papers.md section 5.1's substitute for GEM.</summary>
    Small,

    /// <summary>Llama 3.2 1B: hidden 2048, 16 layers, 32 heads (8 KV), MLP 8192, tied embeddings, llama3 RoPE scaling.</summary>
    Llama32_1B,

    /// <summary>Llama 3.2 3B: hidden 3072, 28 layers, 24 heads (8 KV), MLP 8192, tied embeddings, llama3 RoPE scaling.</summary>
    Llama32_3B,

    /// <summary>Llama 3 8B: hidden 4096, 32 layers, 32 heads (8 KV), MLP 14336, untied embeddings.</summary>
    Llama3_8B,
}
