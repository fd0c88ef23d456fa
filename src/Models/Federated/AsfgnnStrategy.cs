namespace FedOrleans.Models.Federated;

/// <summary>
/// ASFGNN's server (papers.md 4.4): the global model is only the loss-computing part φ; the server averages
/// the clients' φ_c weighted by their labelled nodes (FedAvg's rule on φ). The private message-passing
/// parts never reach it: clients keep them in their private state (see <c>Graphs.GraphTrainer</c>).
/// </summary>
public sealed class AsfgnnStrategy(StrategySpec spec, TrainerSettings settings) : FedAvgStrategy(spec, settings)
{
    public override string Describe() => $"ASFGNN(phi averaged by labelled nodes, fraction={Spec.FractionFit}, min_results={Spec.MinResults})";
}
