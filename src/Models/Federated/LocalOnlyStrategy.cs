
namespace FedOrleans.Models.Federated;

/// <summary>The no-federation baseline: clients train private models; the server keeps the initial global (it only counts rounds).</summary>
public sealed class LocalOnlyStrategy(StrategySpec spec, TrainerSettings settings) : FedAvgStrategy(spec, settings)
{
    public override string Describe() => $"local-only(fraction={Spec.FractionFit})";

    protected override StrategyState ServerStep(StrategyState state, float[] average) => state with { Step = state.Step + 1 };
}
