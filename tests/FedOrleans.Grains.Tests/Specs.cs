namespace FedOrleans.Grains.Tests;

/// <summary>Small, fast experiment specs on real MNIST.</summary>
public static class Specs
{
    /// <summary>Logistic regression, 40 IID clients, 8 a round: a few seconds per run on 2 cores.</summary>
    public static string Small(string name, int rounds, string extra = "") => $"""
        name: {name}
        seed: 17
        rounds: {rounds}
        dataset: mnist
        federation: {"{"} clients: 40, partition: dirichlet, alpha: 1.0 {"}"}
        model: {"{"} kind: logistic {"}"}
        train: {"{"} epochs: 1, batch_size: 32, lr: 0.05 {"}"}
        strategy: {"{"} kind: fedavg, fraction_fit: 0.2, min_fit_clients: 8, min_results: 6 {"}"}
        round_timeout_s: 120
        {extra}
        """;

    /// <summary>
    /// How long a test waits for an experiment, job or round. Generous: the whole suite runs its three test
    /// projects at once on two cores, and a wait that ends early is the only thing it saves.
    /// </summary>
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(8);

    /// <summary>A unique experiment id per test.</summary>
    public static string Id(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(40, prefix.Length + 33)];
}
