namespace FedOrleans.Models.Federated;

/// <summary>What one client does in one round: its settings, the seed of its private generator, and for minimax training the update rule.</summary>
public sealed record FitInstructions(int Round, ulong Seed, TrainerSettings Settings, MinimaxSettings? Minimax = null);
