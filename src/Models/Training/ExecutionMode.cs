namespace FedOrleans.Models.Training;

/// <summary>
/// How a silo runs a round's fits (spec key <c>execution</c>): <c>single</c> (the default) trains each client on its
/// own; <c>cohort</c> gathers the fits of one round that arrive at a silo and trains them as one batched model (see
/// Training/Cohorts), each client's result equal to its one-at-a-time fit. Cohorts are opt-in until they are
/// measured faster: on the 2-core CPU machine a batched fit costs about what the clients' single fits cost
/// (docs/benchmarks.md, "Cohort training"). Workloads without a batched trainer (graphs, adapters, domain
/// adaptation) always run single.
/// </summary>
public enum ExecutionMode
{
    Single,
    Cohort,
}
