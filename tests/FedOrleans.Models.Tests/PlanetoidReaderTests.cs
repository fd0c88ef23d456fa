using FedOrleans.Models.Data;
using FedOrleans.Models.Graphs;
using FedOrleans.Models.Specs;

namespace FedOrleans.Models.Tests;

/// <summary>
/// Any dataset in the Planetoid layout, checked node by node on a small synthetic set written here in the pickle
/// layout of the real files: 8 <c>allx</c> rows (2 labelled in <c>y</c>), 4 test rows listed out of order in
/// <c>test.index</c> as nodes 12, 8, 13, 10, so nodes 9 and 11 are gaps (as CiteSeer's 15), TF-IDF-like float64 features.
/// </summary>
public sealed class PlanetoidReaderTests : IDisposable
{
    private const string Name = "gappy";
    private const int Classes = 3;

    private static readonly double[][] Allx =
    [
        [0.5, 0, 0, 1.25, 0],
        [0, 2, 0, 0, 0],
        [0.125, 0.125, 0.25, 0, 0.5],
        [0, 0, 3, 0, 1],
        [1, 0, 0, 0, 0],
        [0, 0.75, 0, 0.75, 0],
        [0, 0, 0, 0, 4],
        [0.2, 0.3, 0, 0, 0.5],
    ];

    private static readonly int[] Ally = [0, 1, 2, 2, 0, 1, 2, 0];

    private static readonly double[][] Tx =
    [
        [0, 0, 0.625, 0, 0],
        [1.5, 0, 0, 0, 0.5],
        [0, 0.1, 0.1, 0.1, 0.1],
        [0, 0, 0, 2.5, 0],
    ];

    private static readonly int[] Ty = [1, 2, 0, 1];

    /// <summary>tx row k belongs to node TestIndex[k].</summary>
    private static readonly int[] TestIndex = [12, 8, 13, 10];

    private readonly string _folder = Directory.CreateTempSubdirectory("fedorleans-planetoid-synthetic-").FullName;

    public PlanetoidReaderTests()
    {
        // A self loop (2-2), a duplicate (7-6 twice, 6-7), an edge into a gap node (5-11) and one listed one way only (3-12).
        var graph = new Dictionary<int, int[]>
        {
            [0] = [1, 2], [1] = [0], [2] = [0, 2], [3] = [4, 12], [4] = [3], [5] = [11], [6] = [7], [7] = [6, 6],
            [8] = [10], [9] = [], [10] = [8, 13], [11] = [5], [12] = [], [13] = [10],
        };
        PlanetoidPickles.Write(_folder, Name, Allx[..2], Allx, Tx, Ally[..2], Ally, Ty, Classes, graph, TestIndex);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Gaps_in_the_test_index_become_zero_feature_label_less_nodes_in_their_sorted_places()
    {
        var graph = PlanetoidReader.Read(_folder, Name);

        Assert.Equal(Name, graph.Name);
        Assert.Equal(14, graph.NodeCount);            // 8 allx rows, then the test range 8..13 with gaps 9 and 11
        Assert.Equal(5, graph.FeatureCount);
        Assert.Equal(Classes, graph.NumClasses);
        var expectedRows = new double[14][];
        var expectedLabels = new int[14];
        for (int i = 0; i < 8; i++)
        {
            (expectedRows[i], expectedLabels[i]) = (Allx[i], Ally[i]);
        }
        for (int k = 0; k < TestIndex.Length; k++)
        {
            (expectedRows[TestIndex[k]], expectedLabels[TestIndex[k]]) = (Tx[k], Ty[k]);
        }
        expectedRows[9] = expectedRows[11] = new double[5];
        for (int node = 0; node < 14; node++)
        {
            Assert.Equal(expectedRows[node].Select(v => (float)v), Row(graph.Features, node));
            Assert.Equal(expectedLabels[node], graph.Labels[node]);
        }
        Assert.Equal(0, graph.Features.RowPointers[10] - graph.Features.RowPointers[9]);   // gaps store no entries
        Assert.Equal(0, graph.Features.RowPointers[12] - graph.Features.RowPointers[11]);

        // Train = the first |y| nodes, validation the next ones up to 500 (here the 6 left in allx), test = test.index sorted.
        Assert.Equal([0, 1], graph.Split.Train);
        Assert.Equal([2, 3, 4, 5, 6, 7], graph.Split.Validation);
        Assert.Equal([8, 10, 12, 13], graph.Split.Test);
        Assert.DoesNotContain(9, graph.Split.Train.Concat(graph.Split.Validation).Concat(graph.Split.Test));
        Assert.DoesNotContain(11, graph.Split.Train.Concat(graph.Split.Validation).Concat(graph.Split.Test));

        // Undirected, each edge once with source < target, self loops dropped, duplicates merged, gap edges kept.
        Assert.Equal([(0, 1), (0, 2), (3, 4), (3, 12), (5, 11), (6, 7), (8, 10), (10, 13)], graph.EdgeSources.Zip(graph.EdgeTargets));
    }

    [Fact]
    public void A_planetoid_name_in_the_spec_loads_with_row_normalised_float_features()
    {
        var spec = SpecParser.Parse($"name: g\nrounds: 1\ngraph: {{ dataset: {Name} }}\nfederation: {{ clients: 1 }}\nstrategy: {{ kind: fedavg }}\n").Workload is GraphWorkloadSpec g ? g.Graph.Data : throw new InvalidOperationException("not a graph spec");
        Assert.Equal(GraphDatasetName.Planetoid, spec.Name);
        Assert.Equal(Name, spec.PlanetoidStem);

        var graph = GraphDatasets.Load(spec, TestData.Cache, _folder);
        for (int node = 0; node < 14; node++)
        {
            var row = Row(graph.Features, node);
            Assert.Equal(node is 9 or 11 ? 0 : 1, row.Sum(), 5);
        }
        Assert.Equal([0.5f / 1.75f, 0, 0, 1.25f / 1.75f, 0], Row(graph.Features, 0), new FloatTolerance());
        Assert.Equal([0.75f, 0, 0, 0, 0.25f], Row(graph.Features, 8), new FloatTolerance());   // tx row 1 (1.5, 0.5)
    }

    [Fact]
    public void Citeseer_and_pubmed_are_spec_names_and_a_missing_dataset_names_the_folder_and_the_files()
    {
        foreach (var (text, expected) in new[] { ("citeseer", GraphDatasetName.Citeseer), ("pubmed", GraphDatasetName.Pubmed), ("cora", GraphDatasetName.Cora) })
        {
            var data = SpecParser.Parse($"name: g\nrounds: 1\ngraph: {{ dataset: {text} }}\nfederation: {{ clients: 1 }}\nstrategy: {{ kind: fedavg }}\n").Workload is GraphWorkloadSpec g ? g.Graph.Data : throw new InvalidOperationException("not a graph spec");
            Assert.Equal(expected, data.Name);
            Assert.Equal(text, data.PlanetoidStem);
        }

        var e = Assert.Throws<DataFormatException>(() => GraphDatasets.Load(new GraphDataSpec(GraphDatasetName.Citeseer), TestData.Cache, _folder));
        Assert.Contains("graph.dataset 'citeseer'", e.Problem);
        Assert.Contains(_folder, e.Problem);
        Assert.Contains("ind.citeseer.{x,tx,allx,y,ty,ally,graph,test.index}", e.Problem);
        Assert.Contains($"complete datasets there: {Name}", e.Problem);
        Assert.Contains(GraphDatasets.PlanetoidEnvironmentVariable, e.Problem);

        File.Delete(Path.Combine(_folder, $"ind.{Name}.ty"));
        var partial = Assert.Throws<DataFormatException>(() => PlanetoidReader.Read(_folder, Name));
        Assert.Contains($"lacks ind.{Name}.{{ty}}", partial.Problem);
        Assert.Contains("complete datasets there: none", partial.Problem);
    }

    [Fact]
    public void Test_ids_that_do_not_start_after_allx_are_a_format_error()
    {
        File.WriteAllText(Path.Combine(_folder, $"ind.{Name}.test.index"), "12\n9\n13\n10\n");
        var e = Assert.Throws<DataFormatException>(() => PlanetoidReader.Read(_folder, Name));
        Assert.Contains("start at 8", e.Problem);
    }

    private static float[] Row(CsrMatrix m, int row)
    {
        var dense = new float[m.ColumnCount];
        for (int k = m.RowPointers[row]; k < m.RowPointers[row + 1]; k++)
        {
            dense[m.Columns[k]] = m.Values[k];
        }
        return dense;
    }

    private sealed class FloatTolerance : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) < 1e-6f;

        public int GetHashCode(float value) => 0;
    }
}
