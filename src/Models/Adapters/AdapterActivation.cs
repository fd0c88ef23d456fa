namespace FedOrleans.Models.Adapters;

/// <summary>The non-linearity of S'MoRE experts (<c>expert_act_fn</c>) and of router MLPs (<c>gate_act_fn</c>).</summary>
public enum AdapterActivation
{
    /// <summary>No non-linearity: S'MoRE collapses to a mixture of multi-order residues (Prop. 3.2).</summary>
    Identity,
    Relu,
    Tanh,
}
