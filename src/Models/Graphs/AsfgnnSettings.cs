namespace FedOrleans.Models.Graphs;

/// <summary>
/// ASFGNN's client-side choices that the paper's available text leaves open (papers.md 4.4, all configurable):
/// <see cref="Beta"/>, the mixing weight in φ_c ← (1 - β) φ_c + β φ̄ (1: start every round from φ̄);
/// <see cref="Rho"/>, the weight of JS(softmax φ_c(H) ‖ softmax φ̄(H)) in the second update of φ_c; and
/// <see cref="SecondSteps"/>, the number of full-batch steps of that update (0 turns it off).
/// </summary>
public sealed record AsfgnnSettings(double Beta = 0.5, double Rho = 1.0, int SecondSteps = 10);
