namespace FedOrleans.Models.Graphs;

/// <summary>
/// One client's subgraph. <see cref="Nodes"/> are global node ids: the <see cref="OwnedCount"/> nodes the client
/// owns first, then (with cross-client edges kept) neighbours it can see but does not own. Edges, and the
/// train/validation/test lists, use local indices into <see cref="Nodes"/>; the lists only hold owned nodes.
/// </summary>
public sealed record GraphShard(
    Graph Graph,
    int Client,
    int[] Nodes,
    int OwnedCount,
    int[] EdgeSources,
    int[] EdgeTargets,
    int[] Train,
    int[] Validation,
    int[] Test)
{
    public int NodeCount => Nodes.Length;

    public int EdgeCount => EdgeSources.Length;

    /// <summary>Labelled training nodes per class (what the client may know about its labels).</summary>
    public int[] TrainClassCounts()
    {
        var counts = new int[Graph.NumClasses];
        foreach (var i in Train)
        {
            counts[Graph.Labels[Nodes[i]]]++;
        }
        return counts;
    }

    /// <summary>Owned nodes per class.</summary>
    public int[] ClassCounts()
    {
        var counts = new int[Graph.NumClasses];
        for (int i = 0; i < OwnedCount; i++)
        {
            counts[Graph.Labels[Nodes[i]]]++;
        }
        return counts;
    }

    /// <summary>The whole graph as one shard (centralised training).</summary>
    public static GraphShard Whole(Graph graph) => new(graph, 0, Enumerable.Range(0, graph.NodeCount).ToArray(), graph.NodeCount,
        graph.EdgeSources, graph.EdgeTargets, graph.Split.Train, graph.Split.Validation, graph.Split.Test);
}
