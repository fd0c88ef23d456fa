namespace FedOrleans.Models.Adapters;

/// <summary>
/// A MixLoRA-style mixture of <see cref="Experts"/> LoRA experts of rank <see cref="Rank"/>, <see cref="Active"/>
/// of them per token (all for the dense gate), scaling <c>Alpha / Rank</c>, behind a linear router without bias.
/// </summary>
public sealed record MixLoraSettings(
    int Experts,
    int Active,
    int Rank,
    double Alpha,
    GateKind Gate = GateKind.Switch,
    double BalanceLossWeight = 0.01) : IAdapterSettings
{
    public LinearAdapter Create(int inFeatures, int outFeatures, ulong seed) => new MixLoraAdapter(inFeatures, outFeatures, this, seed);

    public string Describe() => $"MixLoRA ({Experts}) {Gate} top-{EffectiveActive} r={Rank}";

    public void Validate()
    {
        if (Experts < 1 || Rank < 1)
        {
            throw new ArgumentException("Experts and Rank must be positive");
        }
        if (Active < 1 || Active > Experts || (Gate == GateKind.NoisyTopK && Active >= Experts))
        {
            throw new ArgumentException($"Active = {Active} must be in 1..{Experts} (below {Experts} for the noisy gate)");
        }
    }

    /// <summary>The number of experts mixed per token.</summary>
    public int EffectiveActive => Gate == GateKind.Dense ? Experts : Active;

    /// <summary>Router <c>s·in</c> (twice for the noisy gate's noise projection) plus <c>s·r·(in + out)</c>.</summary>
    public long ParameterCount(int inFeatures, int outFeatures) =>
        (long)Experts * inFeatures * (Gate == GateKind.NoisyTopK ? 2 : 1) + (long)Experts * Rank * (inFeatures + outFeatures);
}
