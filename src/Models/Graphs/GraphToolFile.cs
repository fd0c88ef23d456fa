namespace FedOrleans.Models.Graphs;

/// <summary>
/// The contents of a graph-tool <c>.gt</c> file: node count, directedness, the edges as stored (for an
/// undirected graph each edge once) and the vertex property maps, each value as invariant text.
/// </summary>
public sealed record GraphToolFile(
    string Comment,
    bool Directed,
    int NodeCount,
    int[] EdgeSources,
    int[] EdgeTargets,
    IReadOnlyDictionary<string, string[]> VertexProperties)
{
    public int EdgeCount => EdgeSources.Length;
}
