namespace FedOrleans.Models.Training;

/// <summary>What one client does in one round: its settings and the seed of its private generator.</summary>
public sealed record FitInstructions(int Round, ulong Seed, TrainerSettings Settings);
