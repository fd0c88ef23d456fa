using FedOrleans.Models.Federated;

namespace FedOrleans.Models.Training;

/// <summary>Client-side training: pure, synchronous, CPU-bound; run it through the silo's training gate.</summary>
public interface ILocalTrainer
{
    FitOutcome Fit(ModelWeights global, FitInstructions instructions, ClientShard shard, CancellationToken ct);
}
