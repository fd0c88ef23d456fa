namespace FedOrleans.Models.Adapters;

/// <summary>Initialisation of the S'MoRE expert weights (the official <c>init_method</c>).</summary>
public enum SmoreInit
{
    /// <summary>A, B, W and W_proj Kaiming-uniform (a = √5), biases 0.</summary>
    Normal,

    /// <summary>As <see cref="Normal"/> but W_proj = 0, so the adapter adds exactly nothing at initialisation.</summary>
    WFinalZero,

    /// <summary>
    /// B and W hold identity blocks and W_proj = 0, so with the identity activation the multi-layer adapter equals
    /// a one-layer mixture of its experts (the construction in the proof of Prop. 3.2).
    /// </summary>
    Eq1Layer,
}
