namespace FedOrleans.Models.Adapters;

/// <summary>How a router turns expert logits into selections and mixing weights (S'MoRE paper, App. B.1).</summary>
public enum GateKind
{
    /// <summary>Softmax over every expert (HydraLoRA-style); every expert is used; no auxiliary loss.</summary>
    Dense,

    /// <summary>Top-f of the softmax, renormalised when f &gt; 1, with MixLoRA's balance loss.</summary>
    Switch,

    /// <summary>Shazeer et al. (2017): cosine logits, trainable noise in training, top-f, importance and load loss.</summary>
    NoisyTopK,
}
