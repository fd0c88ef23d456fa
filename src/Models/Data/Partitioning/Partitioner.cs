using MathNet.Numerics.Distributions;

namespace FedOrleans.Models.Data.Partitioning;

/// <summary>
/// Seeded partitioners. The same spec and labels always give the same partition, on any machine:
/// every random choice comes from <see cref="Random"/> seeded with <see cref="PartitionSpec.Seed"/>.
/// </summary>
public static class Partitioner
{
    /// <summary>How many Dirichlet draws to try before declaring the minimum size unreachable.</summary>
    public const int MaxDirichletAttempts = 1000;

    public static Partition Create(PartitionSpec spec, int[] labels, int numClasses)
    {
        if (spec.Clients < 1)
        {
            throw new PartitionException($"clients must be at least 1, got {spec.Clients}");
        }
        if (spec.Clients > labels.Length)
        {
            throw new PartitionException($"{spec.Clients} clients for {labels.Length} samples: every client needs at least one sample");
        }
        var random = new Random(unchecked((int)(spec.Seed ^ (spec.Seed >> 32))));
        var indices = spec.Kind switch
        {
            PartitionKind.Iid => Iid(labels.Length, spec.Clients, random),
            PartitionKind.Dirichlet => Dirichlet(labels, numClasses, spec, random),
            PartitionKind.Pathological => Pathological(labels, numClasses, spec, random),
            PartitionKind.Shards => Shards(labels, spec, random),
            _ => throw new ArgumentOutOfRangeException(nameof(spec)),
        };
        foreach (var client in indices)
        {
            Array.Sort(client);
        }
        var unlabelled = new bool[spec.Clients];
        if (spec.UnlabelledClients > spec.Clients)
        {
            throw new PartitionException($"unlabelled clients ({spec.UnlabelledClients}) exceed clients ({spec.Clients})");
        }
        foreach (var c in Permutation(spec.Clients, random).Take(spec.UnlabelledClients))
        {
            unlabelled[c] = true;
        }
        return new Partition(indices, unlabelled);
    }

    private static int[][] Iid(int count, int clients, Random random)
    {
        var order = Permutation(count, random);
        return Split(order, clients);
    }

    private static int[][] Dirichlet(int[] labels, int numClasses, PartitionSpec spec, Random random)
    {
        if (spec.Alpha <= 0)
        {
            throw new PartitionException($"alpha must be positive, got {spec.Alpha}");
        }
        if ((long)spec.MinSize * spec.Clients > labels.Length)
        {
            throw new PartitionException($"min_size {spec.MinSize} x {spec.Clients} clients exceeds the {labels.Length} samples; lower min_size");
        }
        var byClass = ByClass(labels, numClasses);
        for (int attempt = 0; attempt < MaxDirichletAttempts; attempt++)
        {
            var clients = Enumerable.Range(0, spec.Clients).Select(_ => new List<int>()).ToArray();
            foreach (var members in byClass)
            {
                var shuffled = members.ToArray();
                Shuffle(shuffled, random);
                var p = DirichletDraw(spec.Alpha, spec.Clients, random);
                // Cut points from the cumulative proportions; the last client takes the remainder.
                int start = 0;
                double cumulative = 0;
                for (int c = 0; c < spec.Clients; c++)
                {
                    cumulative += p[c];
                    int end = c == spec.Clients - 1 ? shuffled.Length : (int)Math.Round(cumulative * shuffled.Length);
                    end = Math.Clamp(end, start, shuffled.Length);
                    clients[c].AddRange(shuffled[start..end]);
                    start = end;
                }
            }
            if (clients.All(c => c.Count >= Math.Max(spec.MinSize, 1)))
            {
                return clients.Select(c => c.ToArray()).ToArray();
            }
        }
        throw new PartitionException(
            $"no Dirichlet(alpha={spec.Alpha}) draw in {MaxDirichletAttempts} attempts gave every one of {spec.Clients} clients at least {spec.MinSize} samples; raise alpha or lower min_size");
    }

    /// <summary>One Dirichlet(alpha, ..., alpha) draw as normalised Gamma(alpha, 1) samples. When every
    /// Gamma sample underflows to zero (tiny alpha), the whole mass goes to one client, the limit of the distribution.</summary>
    private static double[] DirichletDraw(double alpha, int n, Random random)
    {
        var p = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            p[i] = Gamma.Sample(random, alpha, 1.0);
            sum += p[i];
        }
        if (!(sum > 0) || double.IsInfinity(sum))
        {
            Array.Clear(p);
            p[random.Next(n)] = 1;
            return p;
        }
        for (int i = 0; i < n; i++)
        {
            p[i] /= sum;
        }
        return p;
    }

    private static int[][] Pathological(int[] labels, int numClasses, PartitionSpec spec, Random random)
    {
        int k = spec.ClassesPerClient;
        if (k < 1 || k > numClasses)
        {
            throw new PartitionException($"classes_per_client must be in 1..{numClasses}, got {k}");
        }
        // Client i holds classes classOrder[(i*k + j) mod C], so every class has about clients*k/C holders.
        var classOrder = Permutation(numClasses, random);
        var holders = Enumerable.Range(0, numClasses).Select(_ => new List<int>()).ToArray();
        for (int i = 0; i < spec.Clients; i++)
        {
            for (int j = 0; j < k; j++)
            {
                holders[classOrder[(i * k + j) % numClasses]].Add(i);
            }
        }
        var clients = Enumerable.Range(0, spec.Clients).Select(_ => new List<int>()).ToArray();
        var byClass = ByClass(labels, numClasses);
        for (int c = 0; c < numClasses; c++)
        {
            if (holders[c].Count == 0)
            {
                continue; // fewer clients*k than classes: this class is simply unused
            }
            var members = byClass[c].ToArray();
            Shuffle(members, random);
            var parts = Split(members, holders[c].Count);
            for (int h = 0; h < holders[c].Count; h++)
            {
                clients[holders[c][h]].AddRange(parts[h]);
            }
        }
        var empty = Array.FindIndex(clients, c => c.Count == 0);
        if (empty >= 0)
        {
            throw new PartitionException($"client {empty} received no samples; use fewer clients or more classes_per_client");
        }
        return clients.Select(c => c.ToArray()).ToArray();
    }

    private static int[][] Shards(int[] labels, PartitionSpec spec, Random random)
    {
        int shardCount = spec.Clients * spec.ShardsPerClient;
        if (spec.ShardsPerClient < 1 || shardCount > labels.Length)
        {
            throw new PartitionException($"shards_per_client must be at least 1 and clients x shards_per_client ({shardCount}) at most the {labels.Length} samples");
        }
        // Sort by label; ties in a seeded random order so that shards are not biased by file order.
        var order = Permutation(labels.Length, random);
        var sorted = order.OrderBy(i => labels[i]).ToArray();
        var shards = Split(sorted, shardCount);
        var dealt = Permutation(shardCount, random);
        var clients = new int[spec.Clients][];
        for (int i = 0; i < spec.Clients; i++)
        {
            clients[i] = Enumerable.Range(0, spec.ShardsPerClient).SelectMany(s => shards[dealt[i * spec.ShardsPerClient + s]]).ToArray();
        }
        return clients;
    }

    private static List<int>[] ByClass(int[] labels, int numClasses)
    {
        var byClass = Enumerable.Range(0, numClasses).Select(_ => new List<int>()).ToArray();
        for (int i = 0; i < labels.Length; i++)
        {
            byClass[labels[i]].Add(i);
        }
        return byClass;
    }

    /// <summary>Splits into <paramref name="parts"/> contiguous parts whose sizes differ by at most one.</summary>
    private static int[][] Split(int[] items, int parts)
    {
        var result = new int[parts][];
        int start = 0;
        for (int p = 0; p < parts; p++)
        {
            int size = items.Length / parts + (p < items.Length % parts ? 1 : 0);
            result[p] = items[start..(start + size)];
            start += size;
        }
        return result;
    }

    private static int[] Permutation(int n, Random random)
    {
        var order = Enumerable.Range(0, n).ToArray();
        Shuffle(order, random);
        return order;
    }

    /// <summary>Fisher-Yates with the given generator (Random.Shuffle's algorithm is not specified across versions).</summary>
    private static void Shuffle(int[] items, Random random)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
