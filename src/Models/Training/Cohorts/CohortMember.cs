using FedOrleans.Models.Federated;

namespace FedOrleans.Models.Training.Cohorts;

/// <summary>One client of a cohort fit: the global weights it starts from, its instructions (seed, settings) and its shard.</summary>
public sealed record CohortMember(ModelWeights Global, FitInstructions Instructions, ClientShard Shard);
