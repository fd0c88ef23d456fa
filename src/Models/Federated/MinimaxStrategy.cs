namespace FedOrleans.Models.Federated;

/// <summary>
/// FedMM and its two baselines, FedAvg-GDA and FedProx-GDA (papers.md section 3): clients run local
/// gradient descent-ascent under the strategy's <see cref="MinimaxRule"/>; the server takes the plain
/// (unweighted) average of what they upload, so unlabelled target clients count as much as source clients.
/// </summary>
public sealed class MinimaxStrategy(StrategySpec spec, TrainerSettings settings, MinimaxCoefficients coefficients) : FedAvgStrategy(spec, settings)
{
    public MinimaxSettings Minimax { get; } = new(
        spec.Kind switch
        {
            StrategyKind.FedMM => MinimaxRule.FedMM,
            StrategyKind.FedProxGda => MinimaxRule.ProxGda,
            StrategyKind.FedAvgGda => MinimaxRule.Gda,
            _ => throw new ArgumentException($"{spec.Kind} is not a minimax strategy"),
        },
        coefficients.Mu, coefficients.DualDecay, coefficients.DecayEvery, coefficients.Coefficient);

    public override string Describe() => Minimax.Rule switch
    {
        MinimaxRule.FedMM => $"FedMM(mu={Minimax.Mu}, decay={Minimax.DualDecay}/{Minimax.DecayEvery} rounds, {coefficients.Loss} x{Minimax.Coefficient}, fraction={Spec.FractionFit})",
        MinimaxRule.ProxGda => $"FedProx-GDA(mu={Minimax.Mu}, {coefficients.Loss} x{Minimax.Coefficient}, fraction={Spec.FractionFit})",
        _ => $"FedAvg-GDA({coefficients.Loss} x{Minimax.Coefficient}, fraction={Spec.FractionFit})",
    };

    protected override FitInstructions Instructions(RoundContext round, ClientId client) =>
        new(round.Round, round.FitSeed(client), Settings, Minimax);

    protected override float[]? Average(IReadOnlyList<ClientUpdate> results) => Aggregation.Mean(results);
}
