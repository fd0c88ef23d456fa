using FedOrleans.Models.Data.Partitioning;

namespace FedOrleans.Models.Graphs;

/// <summary>A graph split over clients, with the edges the split cut.</summary>
public sealed record GraphFederation(Graph Graph, GraphFederationSpec Spec, IReadOnlyList<GraphShard> Shards, int CutEdges)
{
    /// <summary>One row per client: owned and visible nodes, edges, train/validation/test nodes and the owned nodes' labels per class.</summary>
    public string StatisticsCsv()
    {
        var lines = new List<string>
        {
            "client,nodes,visible_nodes,edges,train,validation,test," + string.Join(',', Enumerable.Range(0, Graph.NumClasses).Select(c => $"class_{c}")),
        };
        foreach (var s in Shards)
        {
            lines.Add($"{s.Client},{s.OwnedCount},{s.NodeCount},{s.EdgeCount},{s.Train.Length},{s.Validation.Length},{s.Test.Length},{string.Join(',', s.ClassCounts())}");
        }
        return string.Join('\n', lines) + "\n";
    }

    /// <summary>The split a graph method trains on: one shard holding the whole graph for centralised training, else <see cref="Create"/>.</summary>
    public static GraphFederation For(GraphMethod method, Graph graph, GraphFederationSpec spec) => method == GraphMethod.Centralised
        ? new GraphFederation(graph, spec with { Clients = 1 }, [GraphShard.Whole(graph)], 0)
        : Create(graph, spec);

    /// <summary>Splits <paramref name="graph"/> per <paramref name="spec"/>; the same inputs always give the same shards.</summary>
    public static GraphFederation Create(Graph graph, GraphFederationSpec spec)
    {
        if (spec.Clients < 1 || spec.Clients > graph.NodeCount)
        {
            throw new PartitionException($"{spec.Clients} clients for a graph of {graph.NodeCount} nodes: need 1..{graph.NodeCount}");
        }
        var random = new Random(unchecked((int)(spec.Seed ^ (spec.Seed >> 32))));
        int[][] owned = spec.Kind switch
        {
            GraphPartitionKind.Random => Partitioner.Create(new PartitionSpec(PartitionKind.Iid, spec.Clients, spec.Seed), graph.Labels, graph.NumClasses).ClientIndices,
            GraphPartitionKind.Dirichlet => Partitioner.Create(new PartitionSpec(PartitionKind.Dirichlet, spec.Clients, spec.Seed, spec.Alpha, Math.Min(spec.MinSize, graph.NodeCount / spec.Clients)),
                graph.Labels, graph.NumClasses).ClientIndices,
            GraphPartitionKind.Community => Deal(LabelPropagation(graph, random), spec.Clients),
            GraphPartitionKind.Natural => Deal(graph.Groups ?? throw new PartitionException($"{graph.Name} has no natural groups; use random, dirichlet or community"), spec.Clients),
            _ => throw new ArgumentOutOfRangeException(nameof(spec)),
        };
        var client = new int[graph.NodeCount];
        for (int c = 0; c < owned.Length; c++)
        {
            foreach (var i in owned[c])
            {
                client[i] = c;
            }
        }
        int cut = 0;
        for (int e = 0; e < graph.EdgeCount; e++)
        {
            if (client[graph.EdgeSources[e]] != client[graph.EdgeTargets[e]])
            {
                cut++;
            }
        }
        var shards = owned.Select((nodes, c) => Shard(graph, c, nodes, client, spec.CrossClientEdges)).ToList();
        return new GraphFederation(graph, spec, shards, cut);
    }

    private static GraphShard Shard(Graph graph, int c, int[] owned, int[] client, bool crossEdges)
    {
        var sorted = owned.Order().ToArray();
        var local = new Dictionary<int, int>();
        var nodes = new List<int>(sorted);
        for (int i = 0; i < sorted.Length; i++)
        {
            local[sorted[i]] = i;
        }
        var sources = new List<int>();
        var targets = new List<int>();
        for (int e = 0; e < graph.EdgeCount; e++)
        {
            int a = graph.EdgeSources[e], b = graph.EdgeTargets[e];
            bool ownsA = client[a] == c, ownsB = client[b] == c;
            if (!(ownsA && ownsB) && !(crossEdges && (ownsA || ownsB)))
            {
                continue;
            }
            sources.Add(LocalIndex(a));
            targets.Add(LocalIndex(b));
        }
        int[] Select(int[] global) => global.Where(i => client[i] == c).Select(i => local[i]).ToArray();
        return new GraphShard(graph, c, nodes.ToArray(), sorted.Length, sources.ToArray(), targets.ToArray(),
            Select(graph.Split.Train), Select(graph.Split.Validation), Select(graph.Split.Test));

        int LocalIndex(int node)
        {
            if (!local.TryGetValue(node, out int i))
            {
                i = nodes.Count;
                local[node] = i;
                nodes.Add(node);
            }
            return i;
        }
    }

    /// <summary>Deals groups (group id per node), largest first, each to the client with the fewest nodes so far (ties: lowest index).</summary>
    internal static int[][] Deal(int[] groupOfNode, int clients)
    {
        var groups = groupOfNode.Select((g, i) => (g, i)).GroupBy(p => p.g)
            .Select(g => g.Select(p => p.i).ToArray())
            .OrderByDescending(g => g.Length).ThenBy(g => g[0]).ToList();
        var result = Enumerable.Range(0, clients).Select(_ => new List<int>()).ToArray();
        foreach (var group in groups)
        {
            var target = result.Select((r, i) => (r.Count, i)).Min().i;
            result[target].AddRange(group);
        }
        if (result.Any(r => r.Count == 0))
        {
            throw new PartitionException($"only {groups.Count} groups for {clients} clients: some client would be empty");
        }
        return result.Select(r => r.ToArray()).ToArray();
    }

    /// <summary>Asynchronous label propagation: nodes in a seeded random order take their neighbours' most common label (ties broken at random) until stable.</summary>
    internal static int[] LabelPropagation(Graph graph, Random random, int maxSweeps = 100)
    {
        int n = graph.NodeCount;
        var neighbours = Enumerable.Range(0, n).Select(_ => new List<int>()).ToArray();
        for (int e = 0; e < graph.EdgeCount; e++)
        {
            neighbours[graph.EdgeSources[e]].Add(graph.EdgeTargets[e]);
            neighbours[graph.EdgeTargets[e]].Add(graph.EdgeSources[e]);
        }
        var community = Enumerable.Range(0, n).ToArray();
        var order = Enumerable.Range(0, n).ToArray();
        var counts = new Dictionary<int, int>();
        for (int sweep = 0; sweep < maxSweeps; sweep++)
        {
            random.Shuffle(order);
            bool changed = false;
            foreach (var v in order)
            {
                if (neighbours[v].Count == 0)
                {
                    continue;
                }
                counts.Clear();
                foreach (var u in neighbours[v])
                {
                    counts[community[u]] = counts.GetValueOrDefault(community[u]) + 1;
                }
                int best = counts.Values.Max();
                var candidates = counts.Where(p => p.Value == best).Select(p => p.Key).Order().ToList();
                if (candidates.Contains(community[v]))
                {
                    continue;
                }
                community[v] = candidates[random.Next(candidates.Count)];
                changed = true;
            }
            if (!changed)
            {
                break;
            }
        }
        return community;
    }
}
