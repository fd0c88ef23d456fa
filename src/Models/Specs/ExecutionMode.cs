namespace FedOrleans.Models.Specs;

/// <summary>
/// How a silo runs a round's fits (spec key <c>execution</c>): <c>cohort</c> (the default) gathers the fits of one
/// round that arrive at a silo and trains them as one batched model (see Training/Cohorts), each client's result
/// equal to its one-at-a-time fit; <c>single</c> trains each client on its own. Workloads without a batched
/// trainer (graphs, adapters, domain adaptation) always run single.
/// </summary>
public enum ExecutionMode
{
    Cohort,
    Single,
}
