using static TorchSharp.torch;

namespace FedOrleans.Models.Graphs;

/// <summary>Propagation matrices of a graph given as undirected edges (each once), as COO entries and as torch sparse tensors.</summary>
public static class GraphAdjacency
{
    /// <summary>
    /// Kipf and Welling's Â = D^-1/2 (A + I) D^-1/2 with d_i = 1 + degree(i): entries (i, j) for every edge in
    /// both directions plus the diagonal, value 1 / sqrt(d_i d_j).
    /// </summary>
    public static (long[] Rows, long[] Columns, float[] Values) SymmetricNormalised(int nodeCount, int[] sources, int[] targets)
    {
        var degree = Enumerable.Repeat(1.0, nodeCount).ToArray();
        foreach (var s in sources)
        {
            degree[s]++;
        }
        foreach (var t in targets)
        {
            degree[t]++;
        }
        int m = sources.Length;
        var rows = new long[nodeCount + 2 * m];
        var columns = new long[rows.Length];
        var values = new float[rows.Length];
        for (int i = 0; i < nodeCount; i++)
        {
            rows[i] = columns[i] = i;
            values[i] = (float)(1 / degree[i]);
        }
        for (int e = 0; e < m; e++)
        {
            int a = sources[e], b = targets[e];
            float v = (float)(1 / Math.Sqrt(degree[a] * degree[b]));
            int k = nodeCount + 2 * e;
            (rows[k], columns[k], values[k]) = (a, b, v);
            (rows[k + 1], columns[k + 1], values[k + 1]) = (b, a, v);
        }
        return (rows, columns, values);
    }

    /// <summary>GraphSAGE's mean aggregator D^-1 A (no self loops): row i averages i's neighbours; isolated nodes get a zero row.</summary>
    public static (long[] Rows, long[] Columns, float[] Values) NeighbourMean(int nodeCount, int[] sources, int[] targets)
    {
        var degree = new int[nodeCount];
        foreach (var s in sources)
        {
            degree[s]++;
        }
        foreach (var t in targets)
        {
            degree[t]++;
        }
        int m = sources.Length;
        var rows = new long[2 * m];
        var columns = new long[2 * m];
        var values = new float[2 * m];
        for (int e = 0; e < m; e++)
        {
            int a = sources[e], b = targets[e];
            (rows[2 * e], columns[2 * e], values[2 * e]) = (a, b, 1f / degree[a]);
            (rows[2 * e + 1], columns[2 * e + 1], values[2 * e + 1]) = (b, a, 1f / degree[b]);
        }
        return (rows, columns, values);
    }

    /// <summary>An n x n sparse COO tensor on <paramref name="device"/> (owned by the caller's dispose scope).</summary>
    public static Tensor ToSparse(int nodeCount, (long[] Rows, long[] Columns, float[] Values) entries, Device device)
    {
        using var scope = NewDisposeScope();
        var indices = stack([tensor(entries.Rows), tensor(entries.Columns)]);
        var values = tensor(entries.Values);
        return sparse_coo_tensor(indices, values, [nodeCount, nodeCount]).to(device).MoveToOuterDisposeScope();
    }
}
