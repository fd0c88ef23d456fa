namespace FedOrleans.Models.Data.Partitioning;

/// <summary>
/// Which data each client of an experiment holds. Clients 0..N-1 hold the source dataset, partitioned
/// by the partition spec; under domain adaptation clients N..N+T-1 hold an IID split of the target domain's
/// training set, unlabelled. A pure function of the partition spec and the labels, so every silo agrees.
/// </summary>
public sealed class FederationLayout
{
    private FederationLayout(Partition source, Partition? target)
    {
        Source = source;
        Target = target;
    }

    public Partition Source { get; }

    /// <summary>The target-domain clients' partition (all unlabelled), or null without adaptation.</summary>
    public Partition? Target { get; }

    public int Clients => Source.Clients + (Target?.Clients ?? 0);

    /// <param name="partition">How the source dataset is split (its seed also seeds the target split).</param>
    /// <param name="targetClients">Unlabelled target-domain clients after the source clients (0: no adaptation).</param>
    /// <param name="sourceLabels">The source training set's labels.</param>
    /// <param name="targetLabels">The target training set's labels (for the partition report only); needed when <paramref name="targetClients"/> &gt; 0.</param>
    /// <param name="numClasses">The number of classes.</param>
    public static FederationLayout Create(PartitionSpec partition, int targetClients, int[] sourceLabels, int[]? targetLabels, int numClasses)
    {
        var source = Partitioner.Create(partition, sourceLabels, numClasses);
        Partition? target = null;
        if (targetClients > 0)
        {
            var labels = targetLabels ?? throw new ArgumentException("domain adaptation needs the target domain's labels (for the partition report only)");
            var split = Partitioner.Create(new PartitionSpec(PartitionKind.Iid, targetClients, partition.Seed ^ 0x7A7A), labels, numClasses);
            target = new Partition(split.ClientIndices, Enumerable.Repeat(true, targetClients).ToArray());
        }
        return new FederationLayout(source, target);
    }

    /// <summary>Client <paramref name="client"/>'s domain (false: source, true: target), indices and whether it is unlabelled.</summary>
    public (bool TargetDomain, int[] Indices, bool Unlabelled) Client(int client) =>
        client < Source.Clients
            ? (false, Source.ClientIndices[client], Source.Unlabelled[client])
            : (true, Target!.ClientIndices[client - Source.Clients], true);

    /// <summary>clients.csv: one row per client with its domain, sample count, unlabelled flag and class histogram.</summary>
    public string ToCsv(int[] sourceLabels, int[]? targetLabels, int numClasses)
    {
        var source = Source.ToCsv(sourceLabels, numClasses).Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        var lines = new List<string> { source[0].Replace("client,", "client,domain,", StringComparison.Ordinal) };
        lines.AddRange(source.Skip(1).Select(l => InsertDomain(l, "source", 0)));
        if (Target is not null)
        {
            var target = Target.ToCsv(targetLabels!, numClasses).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1);
            lines.AddRange(target.Select(l => InsertDomain(l, "target", Source.Clients)));
        }
        return string.Join('\n', lines) + "\n";
    }

    private static string InsertDomain(string line, string domain, int offset)
    {
        int comma = line.IndexOf(',');
        int index = int.Parse(line[..comma], System.Globalization.CultureInfo.InvariantCulture) + offset;
        return $"{index.ToString(System.Globalization.CultureInfo.InvariantCulture)},{domain}{line[comma..]}";
    }
}
