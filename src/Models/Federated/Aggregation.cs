namespace FedOrleans.Models.Federated;

/// <summary>Aggregation arithmetic, in client-index order with float64 accumulation, so results never depend on arrival order.</summary>
public static class Aggregation
{
    /// <summary>
    /// Sample-weighted mean of client weights (FedAvg): sum_i n_i w_i / sum_i n_i. Clients with zero
    /// samples carry no weight. Returns null when no client has samples.
    /// </summary>
    public static float[]? WeightedAverage(IReadOnlyList<ClientUpdate> updates)
    {
        var ordered = updates.Where(u => u.NumSamples > 0).OrderBy(u => u.Client).ToList();
        if (ordered.Count == 0)
        {
            return null;
        }
        int length = ordered[0].Weights.Length;
        if (ordered.Any(u => u.Weights.Length != length))
        {
            throw new ArgumentException("client updates have different weight lengths");
        }
        return WeightedMean(ordered.Select(u => (u.Weights, (double)u.NumSamples)).ToList());
    }

    /// <summary>
    /// <c>Σ_i n_i w_i / Σ_i n_i</c> over <paramref name="weighted"/> in the order given (callers order by client), with
    /// float64 accumulation; all weights of one length, the counts positive.
    /// </summary>
    public static float[] WeightedMean(IReadOnlyList<(ModelWeights Weights, double Count)> weighted)
    {
        double total = weighted.Sum(u => u.Count);
        var sum = new double[weighted[0].Weights.Length];
        foreach (var (weights, count) in weighted)
        {
            double share = count / total;
            var values = weights.Values;
            for (int i = 0; i < sum.Length; i++)
            {
                sum[i] += share * values[i];
            }
        }
        return Array.ConvertAll(sum, v => (float)v);
    }

    /// <summary>Unweighted mean of client weights in client-index order (FedMM and its baselines average clients equally, w_i = 1/n).</summary>
    public static float[]? Mean(IReadOnlyList<ClientUpdate> updates)
    {
        if (updates.Count == 0)
        {
            return null;
        }
        var ordered = updates.OrderBy(u => u.Client).ToList();
        int length = ordered[0].Weights.Length;
        if (ordered.Any(u => u.Weights.Length != length))
        {
            throw new ArgumentException("client updates have different weight lengths");
        }
        var sum = new double[length];
        foreach (var u in ordered)
        {
            var values = u.Weights.Values;
            for (int i = 0; i < length; i++)
            {
                sum[i] += values[i];
            }
        }
        return Array.ConvertAll(sum, v => (float)(v / ordered.Count));
    }
}
