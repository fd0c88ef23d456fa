using FedOrleans.Models.Federated;

namespace FedOrleans.Models.Training.Cohorts;

/// <summary>
/// Trains the clients of one cohort (one round's fits on one silo) as one batched model: <see cref="CohortSupervisedTrainer"/>
/// for the supervised models, <see cref="CohortMinimaxTrainer"/> for federated domain adaptation. Each client's outcome
/// equals its one-at-a-time fit up to float rounding and does not depend on the rest of its cohort.
/// </summary>
public interface ICohortTrainer
{
    /// <summary>Fits every member (in the given order); the members must share their training settings.</summary>
    IReadOnlyList<FitOutcome> Fit(IReadOnlyList<CohortMember> members, CancellationToken ct);
}
