namespace FedOrleans.Models.Federated;

/// <summary>
/// What a domain-adaptation spec sets for the minimax strategies (papers.md section 3.4): FedMM's <see cref="Mu"/> and
/// dual decay (<see cref="DualDecay"/> every <see cref="DecayEvery"/> rounds), the adversarial loss's weight
/// <see cref="Coefficient"/>, and that loss's name (<see cref="Loss"/>, for the strategy's description).
/// </summary>
public sealed record MinimaxCoefficients(string Loss, double Mu, double DualDecay, double DecayEvery, double Coefficient);
