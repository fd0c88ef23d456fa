using FedOrleans.Models.Data;

namespace FedOrleans.Models.Graphs;

/// <summary>
/// Loads the graphs of <see cref="GraphDatasetName"/>: Cora (provided with the project), CiteSeer, PubMed or any
/// other Planetoid-layout dataset from the Planetoid folder, polblogs/polbooks/football from the cached graph-tool collection (<c>fedorleans data fetch graph-tool</c>),
/// karate built in. Labels of graph-tool networks are their vertex property <c>value</c> (classes in sorted
/// order of the distinct values); polblogs' <c>source</c> becomes the node groups.
/// </summary>
public static class GraphDatasets
{
    /// <summary>Overrides where the Planetoid files (<c>ind.cora.*</c>, <c>ind.citeseer.*</c>, ...) are read from.</summary>
    public const string PlanetoidEnvironmentVariable = "FEDORLEANS_PLANETOID";

    public const int DegreeBuckets = 16;

    public static Graph Load(GraphDataSpec spec, DataCache cache, string? planetoidFolder = null)
    {
        var graph = spec.Name switch
        {
            _ when spec.PlanetoidStem is { } stem => PlanetoidReader.Read(planetoidFolder ?? FindPlanetoidFolder(), stem),
            GraphDatasetName.Karate => Karate(spec),
            _ => FromGraphTool(spec, cache),
        };
        var features = spec.Features switch
        {
            GraphFeatureKind.Native => graph.Features,
            GraphFeatureKind.Identity => CsrMatrix.Identity(graph.NodeCount),
            GraphFeatureKind.Degree => DegreeFeatures(graph.Degrees()),
            _ => throw new ArgumentOutOfRangeException(nameof(spec)),
        };
        return graph.With(features: spec.NormaliseFeatures ? features.RowNormalised() : features);
    }

    /// <summary>
    /// The Planetoid folder: <c>$FEDORLEANS_PLANETOID</c> when set, otherwise <c>shared/data/planetoid</c> in the
    /// nearest ancestor (of the working directory, then of the program) that has one with at least one complete
    /// dataset; the repository's checkout sits beside <c>shared/</c>, so this finds <c>../shared/data/planetoid</c>
    /// from the repository root.
    /// </summary>
    public static string FindPlanetoidFolder()
    {
        var configured = Environment.GetEnvironmentVariable(PlanetoidEnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "data", "planetoid");
                if (PlanetoidReader.Available(candidate).Count > 0)
                {
                    return candidate;
                }
            }
        }
        throw new DataFormatException(Path.Combine("..", "shared", "data", "planetoid"),
            $"no Planetoid folder found above {Environment.CurrentDirectory} or {AppContext.BaseDirectory}; set {PlanetoidEnvironmentVariable}");
    }

    /// <summary>True when the data of <paramref name="spec"/> is available without fetching (used by tests to skip).</summary>
    public static bool IsAvailable(GraphDataSpec spec, DataCache cache)
    {
        if (spec.PlanetoidStem is { } stem)
        {
            try
            {
                return PlanetoidReader.Has(FindPlanetoidFolder(), stem);
            }
            catch (DataFormatException)
            {
                return false;
            }
        }
        return !spec.FromGraphTool || cache.IsComplete(DatasetCatalog.Get(DatasetName.GraphTool));
    }

    public static string GraphToolPath(GraphDatasetName name, DataCache cache)
    {
        var entry = DatasetCatalog.Get(DatasetName.GraphTool);
        var file = entry.Files.First(f => f.CacheName == $"{name.ToString().ToLowerInvariant()}.gt.gz");
        return cache.FilePath(entry, file);
    }

    /// <summary>One-hot of floor(log2(1 + degree)) in <see cref="DegreeBuckets"/> buckets, plus a constant column.</summary>
    public static CsrMatrix DegreeFeatures(int[] degrees)
    {
        int n = degrees.Length;
        var pointers = Enumerable.Range(0, n + 1).Select(i => 2 * i).ToArray();
        var columns = new int[2 * n];
        var values = new float[2 * n];
        for (int i = 0; i < n; i++)
        {
            int bucket = Math.Min(DegreeBuckets - 1, (int)Math.Floor(Math.Log2(1 + degrees[i])));
            columns[2 * i] = bucket;
            columns[2 * i + 1] = DegreeBuckets;
            values[2 * i] = 1;
            values[2 * i + 1] = 1;
        }
        return new CsrMatrix(n, DegreeBuckets + 1, pointers, columns, values);
    }

    private static Graph Karate(GraphDataSpec spec)
    {
        var labels = KarateClub.Labels();
        var (sources, targets) = Graph.UndirectedEdges(KarateClub.Edges());
        var split = GraphSplit.Stratified(labels, 2, spec.TrainFraction, spec.ValidationFraction, spec.SplitSeed);
        return new Graph("karate", CsrMatrix.Identity(KarateClub.NodeCount), labels, 2, sources, targets, split);
    }

    private static Graph FromGraphTool(GraphDataSpec spec, DataCache cache)
    {
        var path = GraphToolPath(spec.Name, cache);
        if (!File.Exists(path))
        {
            throw cache.NotCached(path, "graph-tool");
        }
        var file = GraphToolReader.Read(path);
        if (!file.VertexProperties.TryGetValue("value", out var values))
        {
            throw new DataFormatException(path, $"has no vertex property 'value' (the label); it has {string.Join(", ", file.VertexProperties.Keys)}");
        }
        var (labels, classes) = Encode(values);
        int[]? groups = file.VertexProperties.TryGetValue("source", out var source) ? Encode(source).Codes : null;
        var (sources, targets) = Graph.UndirectedEdges(file.EdgeSources.Zip(file.EdgeTargets));
        var split = GraphSplit.Stratified(labels, classes, spec.TrainFraction, spec.ValidationFraction, spec.SplitSeed);
        return new Graph(spec.Name.ToString().ToLowerInvariant(), CsrMatrix.Identity(file.NodeCount), labels, classes, sources, targets, split, groups);
    }

    /// <summary>Codes distinct values 0..k-1 in sorted order (numerically when all are numbers).</summary>
    private static (int[] Codes, int Count) Encode(string[] values)
    {
        bool numeric = values.All(v => double.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out _));
        var distinct = numeric
            ? values.Distinct().OrderBy(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToList()
            : values.Distinct().Order(StringComparer.Ordinal).ToList();
        var code = distinct.Select((v, i) => (v, i)).ToDictionary(p => p.v, p => p.i);
        return (values.Select(v => code[v]).ToArray(), distinct.Count);
    }
}
