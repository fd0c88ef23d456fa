namespace FedOrleans.Models.Training;

/// <summary>
/// How a silo runs a round's fits (spec key <c>execution</c>): <c>single</c> trains each client on its own;
/// <c>cohort</c> gathers the fits of one round that arrive at a silo and trains them as one batched model (see
/// Training/Cohorts), each client's result equal to its one-at-a-time fit; <c>auto</c> (the default) uses cohorts
/// where they were measured faster (docs/benchmarks.md): always on a CUDA device, and on a CPU for logistic
/// regression (a fit of a few tiny steps, where batching removes per-operation overhead), not for the MLP and CNN
/// (compute-bound on a CPU: a batched fit costs more than the clients' single fits); the same rule holds for domain
/// adaptation's minimax trainer (FedMM's CNN: cohorts on CUDA, or when asked). Workloads without a batched trainer
/// (graphs, adapters) always run single.
/// </summary>
public enum ExecutionMode
{
    Auto,
    Single,
    Cohort,
}
