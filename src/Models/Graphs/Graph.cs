namespace FedOrleans.Models.Graphs;

/// <summary>
/// An undirected node-classification graph, read-only once built: node features (sparse rows),
/// one label per node, each undirected edge once as <c>(EdgeSources[e], EdgeTargets[e])</c> with
/// source &lt; target and no self loops, the train/validation/test node split, and optionally a
/// natural group per node (polblogs' <c>source</c> directory) for a natural federated split.
/// Loaded once per process and shared; client shards are node subsets of it (<see cref="GraphShard"/>).
/// </summary>
public sealed class Graph
{
    public Graph(string name, CsrMatrix features, int[] labels, int numClasses, int[] edgeSources, int[] edgeTargets, GraphSplit split, int[]? groups = null)
    {
        int n = labels.Length;
        if (features.Rows != n)
        {
            throw new ArgumentException($"{name}: {features.Rows} feature rows for {n} nodes");
        }
        if (edgeSources.Length != edgeTargets.Length)
        {
            throw new ArgumentException($"{name}: {edgeSources.Length} edge sources but {edgeTargets.Length} targets");
        }
        for (int e = 0; e < edgeSources.Length; e++)
        {
            if (edgeSources[e] >= edgeTargets[e] || edgeSources[e] < 0 || edgeTargets[e] >= n)
            {
                throw new ArgumentException($"{name}: edge {e} ({edgeSources[e]}, {edgeTargets[e]}) must have 0 <= source < target < {n}");
            }
        }
        if (labels.Any(l => l < 0 || l >= numClasses))
        {
            throw new ArgumentException($"{name}: a label is outside 0..{numClasses - 1}");
        }
        if (groups is not null && groups.Length != n)
        {
            throw new ArgumentException($"{name}: {groups.Length} groups for {n} nodes");
        }
        foreach (var i in split.Train.Concat(split.Validation).Concat(split.Test))
        {
            if ((uint)i >= (uint)n)
            {
                throw new ArgumentException($"{name}: split node {i} is outside 0..{n - 1}");
            }
        }
        Name = name;
        Features = features;
        Labels = labels;
        NumClasses = numClasses;
        EdgeSources = edgeSources;
        EdgeTargets = edgeTargets;
        Split = split;
        Groups = groups;
    }

    public string Name { get; }

    public CsrMatrix Features { get; }

    public int[] Labels { get; }

    public int NumClasses { get; }

    public int[] EdgeSources { get; }

    public int[] EdgeTargets { get; }

    public GraphSplit Split { get; }

    /// <summary>A natural group per node (0-based), or null when the data has none.</summary>
    public int[]? Groups { get; }

    public int NodeCount => Labels.Length;

    public int FeatureCount => Features.ColumnCount;

    /// <summary>Undirected edges, each counted once.</summary>
    public int EdgeCount => EdgeSources.Length;

    /// <summary>Deduplicates an edge list into undirected (min, max) pairs and drops self loops.</summary>
    public static (int[] Sources, int[] Targets) UndirectedEdges(IEnumerable<(int A, int B)> edges)
    {
        var unique = new SortedSet<(int, int)>();
        foreach (var (a, b) in edges)
        {
            if (a != b)
            {
                unique.Add(a < b ? (a, b) : (b, a));
            }
        }
        return (unique.Select(e => e.Item1).ToArray(), unique.Select(e => e.Item2).ToArray());
    }

    /// <summary>Node degrees (self loops excluded).</summary>
    public int[] Degrees()
    {
        var degree = new int[NodeCount];
        for (int e = 0; e < EdgeCount; e++)
        {
            degree[EdgeSources[e]]++;
            degree[EdgeTargets[e]]++;
        }
        return degree;
    }

    /// <summary>The same nodes and edges with other features and split (e.g. a random split for graphs without a standard one).</summary>
    public Graph With(CsrMatrix? features = null, GraphSplit? split = null) =>
        new(Name, features ?? Features, Labels, NumClasses, EdgeSources, EdgeTargets, split ?? Split, Groups);
}
