namespace FedOrleans.Models.Federated;

/// <summary>Seeded client sampling without replacement; the result is in client-index order.</summary>
public static class ClientSampler
{
    public static int SampleSize(int available, double fraction, int minimum) =>
        Math.Min(available, Math.Max(minimum, (int)Math.Ceiling(fraction * available)));

    public static IReadOnlyList<ClientId> Sample(IReadOnlyList<ClientId> available, int count, Random random)
    {
        var pool = available.ToArray();
        Array.Sort(pool);
        // Partial Fisher-Yates: the first `count` slots are a uniform sample.
        for (int i = 0; i < count; i++)
        {
            int j = i + random.Next(pool.Length - i);
            (pool[i], pool[j]) = (pool[j], pool[i]);
        }
        var chosen = pool[..count];
        Array.Sort(chosen);
        return chosen;
    }
}
