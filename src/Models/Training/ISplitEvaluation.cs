using FedOrleans.Models.Federated;

namespace FedOrleans.Models.Training;

/// <summary>
/// A workload whose server-side evaluation several threads can share: each evaluates a part of the held-out batches
/// (<see cref="ModelEvaluator.EvaluatePart"/>) and <see cref="ModelEvaluator.Combine"/> adds them up in batch order, so
/// the result is the same for any number of parts (the same as <see cref="IFederatedWorkload.EvaluateGlobal"/>).
/// </summary>
public interface ISplitEvaluation : IFederatedWorkload
{
    /// <summary>Part <paramref name="part"/> of <paramref name="parts"/> of the global model's evaluation.</summary>
    ModelEvaluator.EvaluationPart EvaluateGlobalPart(ModelWeights global, int part, int parts, CancellationToken ct);

    /// <summary>Builds what every evaluation reuses (the held-out set as tensors) ahead of the first one.</summary>
    void PrepareEvaluation();
}
