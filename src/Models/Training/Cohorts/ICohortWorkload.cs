using FedOrleans.Models.Federated;

namespace FedOrleans.Models.Training.Cohorts;

/// <summary>
/// A workload whose fits can run as cohorts: a silo gathers a round's fits of its clients and trains them as one
/// batched model (<see cref="ICohortTrainer"/>), each client's result equal to its own
/// <see cref="IFederatedWorkload.Fit"/>.
/// </summary>
public interface ICohortWorkload : IFederatedWorkload
{
    /// <summary>The batched trainer when this experiment's fits run as cohorts (<c>execution: cohort</c>); null: one at a time.</summary>
    ICohortTrainer? CohortTrainer { get; }

    /// <summary>Client <paramref name="client"/>'s part of a cohort fit (what <see cref="IFederatedWorkload.Fit"/> would train on).</summary>
    CohortMember CohortMember(int client, ModelWeights global, FitInstructions instructions, float[]? privateState);
}
