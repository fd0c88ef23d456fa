using FedOrleans.Models.Federated;

namespace FedOrleans.Models.Adapters;

/// <summary>
/// Federated averaging of adapters only (the frozen base never travels): the sample-weighted mean
/// <c>Σ_i n_i w_i / Σ_i n_i</c> of the clients' adapter vectors, in client order with float64 accumulation, so the
/// result does not depend on arrival order. Pure: no tensors, no randomness.
/// </summary>
public static class AdapterAveraging
{
    /// <summary>The FedAvg of <paramref name="updates"/>; all must share one layout and at least one must have samples.</summary>
    public static ModelWeights FedAvg(IReadOnlyList<AdapterUpdate> updates)
    {
        var ordered = updates.Where(u => u.Samples > 0).OrderBy(u => u.Client).ToList();
        if (ordered.Count == 0)
        {
            throw new ArgumentException("no adapter update has samples");
        }
        var layout = ordered[0].Layout;
        int length = ordered[0].Weights.Length;
        foreach (var u in ordered)
        {
            if (u.Layout != layout || u.Weights.Length != length)
            {
                throw new ArgumentException($"client {u.Client} has a different adapter layout than client {ordered[0].Client}");
            }
        }
        return new ModelWeights(Aggregation.WeightedMean(ordered.Select(u => (u.Weights, (double)u.Samples)).ToList()));
    }
}
