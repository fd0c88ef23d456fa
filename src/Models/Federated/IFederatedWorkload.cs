namespace FedOrleans.Models.Federated;

/// <summary>
/// What a federated experiment trains, as one silo holds it: the data split over the clients, the model, the local
/// training and the evaluation. The round loop (the experiment grain) and the client grains use only this, so a new
/// kind of experiment is a new workload and nothing else in the cluster changes (docs/workloads.md). A silo builds it
/// once per experiment from the spec (every silo gets the same clients: the split is a function of the spec and its
/// seed). Fits and evaluations are synchronous and CPU- or GPU-bound: callers run them through the silo's training gate.
/// </summary>
public interface IFederatedWorkload
{
    /// <summary>One line for people: the model and the data, e.g. <c>logistic on Mnist</c>.</summary>
    string Description { get; }

    /// <summary>The number of clients, 0..Clients-1.</summary>
    int Clients { get; }

    /// <summary>Where the global model is evaluated: on the server, or by every client on its own data.</summary>
    EvaluationSite EvaluationSite { get; }

    /// <summary>The first global model; <paramref name="seed"/> fixes it.</summary>
    ModelWeights InitialGlobal(ulong seed);

    /// <summary>What client <paramref name="client"/> holds.</summary>
    ClientDescription DescribeClient(int client);

    /// <summary>
    /// One local fit of <paramref name="client"/> from <paramref name="global"/>. <paramref name="privateState"/> is what
    /// the client kept from its last fit (null before its first); the outcome's private state replaces it when not null.
    /// </summary>
    FitOutcome Fit(int client, ModelWeights global, FitInstructions instructions, float[]? privateState, CancellationToken ct);

    /// <summary>
    /// Whether a fit with <paramref name="instructions"/> reads or returns the client's private state (a graph client's
    /// personalised model, FedMM's duals). When false, a client does not read its persisted state before the fit, which
    /// saves a storage read on every activation. True unless a workload knows better.
    /// </summary>
    bool UsesPrivateState(FitInstructions instructions) => true;

    /// <summary>The global model on the held-out data (<see cref="EvaluationSite.Server"/> workloads).</summary>
    EvaluationResult EvaluateGlobal(ModelWeights global, CancellationToken ct);

    /// <summary>Client <paramref name="client"/>'s model, from the global one and its private state, on its own held-out data (<see cref="EvaluationSite.Clients"/> workloads).</summary>
    ClientEvaluationResult EvaluateClient(int client, ModelWeights global, float[]? privateState, CancellationToken ct);

    /// <summary>The clients as a table (clients.csv): one row per client, with a header.</summary>
    string ClientsCsv();

    /// <summary>One line on the split for people: client sizes, and what skews it (label skew, cut edges).</summary>
    string PartitionSummary();
}

/// <summary>Pieces of <see cref="IFederatedWorkload.PartitionSummary"/> that workloads share.</summary>
public static class PartitionSummaries
{
    /// <summary><c>clients N, NOUN per client min a / median b / max c</c>.</summary>
    public static string ClientSizes(IEnumerable<int> sizes, string noun)
    {
        var sorted = sizes.Order().ToArray();
        return sorted.Length == 0
            ? "no clients"
            : FormattableString.Invariant($"clients {sorted.Length}, {noun} per client min {sorted[0]} / median {sorted[sorted.Length / 2]} / max {sorted[^1]}");
    }
}

/// <summary>Where a workload's global model is evaluated.</summary>
public enum EvaluationSite
{
    /// <summary>The server evaluates the global model on a held-out set (<see cref="IFederatedWorkload.EvaluateGlobal"/>).</summary>
    Server,

    /// <summary>Every client evaluates its model on its own held-out data; the counts are summed (<see cref="IFederatedWorkload.EvaluateClient"/>).</summary>
    Clients,
}

/// <summary>A client's data: how many training samples it holds, and whether it holds them without labels.</summary>
public sealed record ClientDescription(int Samples, bool Unlabelled);
