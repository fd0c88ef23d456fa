namespace FedOrleans.Models.Adapters;

/// <summary>Which projections of every decoder layer get an adapter (Hugging Face module names).</summary>
public sealed record AdapterTargets(IReadOnlyList<string> Projections)
{
    /// <summary>The FFN projections, as in the S'MoRE experiments.</summary>
    public static AdapterTargets Ffn { get; } = new(["gate_proj", "up_proj", "down_proj"]);

    /// <summary>The FFN and the attention projections.</summary>
    public static AdapterTargets FfnAndAttention { get; } = new(["gate_proj", "up_proj", "down_proj", "q_proj", "k_proj", "v_proj", "o_proj"]);
}
