using FedOrleans.Models.Federated;

namespace FedOrleans.Models.Training;

/// <summary>Returns the global weights unchanged; what remains of a round's time is framework overhead.</summary>
public sealed class NoOpTrainer : ILocalTrainer
{
    public FitOutcome Fit(ModelWeights global, FitInstructions instructions, ClientShard shard, CancellationToken ct) =>
        new(global, shard.Count, 0);
}
