using FedOrleans.Models.Data;
using FedOrleans.Models.Graphs;
using FedOrleans.Models.Torch;
using static TorchSharp.torch;

namespace FedOrleans.Models.Tests;

public sealed class GraphDataTests
{
    [Fact]
    public void Planetoid_cora_has_the_standard_counts_and_split()
    {
        var cora = GraphDatasets.Load(new GraphDataSpec(GraphDatasetName.Cora, NormaliseFeatures: false), TestData.Cache);
        Assert.Equal(2708, cora.NodeCount);
        Assert.Equal(1433, cora.FeatureCount);
        Assert.Equal(7, cora.NumClasses);
        Assert.Equal(140, cora.Split.Train.Length);
        Assert.Equal(500, cora.Split.Validation.Length);
        Assert.Equal(1000, cora.Split.Test.Length);
        Assert.Equal(5278, cora.EdgeCount);
        Assert.Equal(49_216, cora.Features.NonZeros);
        Assert.All(cora.Features.Values, v => Assert.Equal(1f, v));
        Assert.Equal([351, 217, 418, 818, 426, 298, 180], Enumerable.Range(0, 7).Select(c => cora.Labels.Count(l => l == c)));
        Assert.All(Enumerable.Range(0, 7), c => Assert.Equal(20, cora.Split.Train.Count(i => cora.Labels[i] == c)));
        Assert.Empty(cora.Split.Train.Intersect(cora.Split.Validation).Concat(cora.Split.Validation.Intersect(cora.Split.Test)));
    }

    [Fact]
    public void A_corrupted_planetoid_file_names_the_file_and_the_problem()
    {
        var source = GraphDatasets.FindPlanetoidFolder();
        var folder = Directory.CreateTempSubdirectory("fedorleans-planetoid-").FullName;
        foreach (var file in Directory.GetFiles(source, "ind.cora.*"))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }
        var allx = Path.Combine(folder, "ind.cora.allx");
        using (var f = File.OpenWrite(allx))
        {
            f.SetLength(f.Length / 2);
        }
        var e = Assert.Throws<DataFormatException>(() => PlanetoidReader.Read(folder));
        Assert.Equal(allx, e.FilePath);
        Assert.Contains("pickle", e.Problem);

        File.WriteAllBytes(allx, [0x80, 0x02, 0x4B, 0x07, 0x2E]);   // a valid pickle of the integer 7
        var wrongType = Assert.Throws<DataFormatException>(() => PlanetoidReader.Read(folder));
        Assert.Contains("expected a scipy csr_matrix", wrongType.Problem);
    }

    [Fact]
    public void Normalised_adjacency_of_a_four_node_graph_matches_hand_computed_values()
    {
        TorchRuntime.Configure(1);
        // Edges 0-1, 0-2, 1-2, 2-3; with self loops the degrees are 3, 3, 4, 2.
        int[] sources = [0, 0, 1, 2];
        int[] targets = [1, 2, 2, 3];
        double s = Math.Sqrt(3 * 4), t = Math.Sqrt(4 * 2);
        double[,] expected =
        {
            { 1.0 / 3, 1.0 / 3, 1 / s, 0 },
            { 1.0 / 3, 1.0 / 3, 1 / s, 0 },
            { 1 / s, 1 / s, 1.0 / 4, 1 / t },
            { 0, 0, 1 / t, 1.0 / 2 },
        };
        using var scope = NewDisposeScope();
        var adjacency = GraphAdjacency.ToSparse(4, GraphAdjacency.SymmetricNormalised(4, sources, targets), CPU);
        Assert.True(adjacency.is_sparse);
        var dense = adjacency.to_dense().data<float>().ToArray();
        for (int i = 0; i < 4; i++)
        {
            for (int j = 0; j < 4; j++)
            {
                Assert.Equal(expected[i, j], dense[i * 4 + j], 6);
            }
        }
        // The mean aggregator averages neighbours: row 2 has neighbours 0, 1, 3.
        var mean = GraphAdjacency.ToSparse(4, GraphAdjacency.NeighbourMean(4, sources, targets), CPU).to_dense().data<float>().ToArray();
        Assert.Equal([1 / 3f, 1 / 3f, 0, 1 / 3f], mean[8..12]);
    }

    [Fact]
    public void Karate_club_has_34_members_78_ties_and_two_factions_of_17()
    {
        var karate = GraphDatasets.Load(new GraphDataSpec(GraphDatasetName.Karate), TestData.Cache);
        Assert.Equal(34, karate.NodeCount);
        Assert.Equal(78, karate.EdgeCount);
        Assert.Equal(17, karate.Labels.Count(l => l == 0));
        Assert.Equal(16, karate.Degrees()[0]);
        Assert.Equal(17, karate.Degrees()[33]);
    }

    [Theory]
    [InlineData(GraphDatasetName.Polblogs, 1490, 19090, true, 2)]
    [InlineData(GraphDatasetName.Polbooks, 105, 441, false, 3)]
    [InlineData(GraphDatasetName.Football, 115, 613, false, 12)]
    public async Task Graph_tool_files_parse_with_their_published_counts(GraphDatasetName name, int nodes, int storedEdges, bool directed, int classes)
    {
        var graph = await TestData.LoadGraphAsync(new GraphDataSpec(name));
        var file = GraphToolReader.Read(GraphDatasets.GraphToolPath(name, TestData.Cache));
        Assert.Equal(nodes, file.NodeCount);
        Assert.Equal(storedEdges, file.EdgeCount);
        Assert.Equal(directed, file.Directed);
        Assert.Equal(nodes, graph.NodeCount);
        Assert.Equal(classes, graph.NumClasses);
        Assert.True(graph.EdgeCount <= storedEdges);
        Assert.Equal(name == GraphDatasetName.Polblogs, graph.Groups is not null);
        if (name == GraphDatasetName.Polblogs)
        {
            Assert.Equal([758, 732], [graph.Labels.Count(l => l == 0), graph.Labels.Count(l => l == 1)]);
        }
    }

    [Fact]
    public void A_truncated_gt_file_is_reported_clearly()
    {
        var gt = TinyGraphTool();
        var path = Path.Combine(Directory.CreateTempSubdirectory("fedorleans-gt-").FullName, "tiny.gt");
        File.WriteAllBytes(path, gt[..(gt.Length - 3)]);
        var e = Assert.Throws<DataFormatException>(() => GraphToolReader.Read(path));
        Assert.Contains("ends early", e.Problem);
        var parsed = GraphToolReader.Parse(gt);
        Assert.Equal(3, parsed.NodeCount);
        Assert.Equal([0, 1], parsed.EdgeSources);
        Assert.Equal([1, 2], parsed.EdgeTargets);
        Assert.Equal(["a", "b", "a"], parsed.VertexProperties["value"]);
    }

    /// <summary>A 3-node undirected path 0-1-2 in graph-tool's format, with a string vertex property "value" and a graph property.</summary>
    private static byte[] TinyGraphTool()
    {
        using var buffer = new MemoryStream();
        using var w = new BinaryWriter(buffer);
        void Text(string s)
        {
            w.Write((ulong)s.Length);
            w.Write(System.Text.Encoding.UTF8.GetBytes(s));
        }
        w.Write(new byte[] { 0xE2, 0x9B, 0xBE, 0x20, 0x67, 0x74, 1, 0 });
        Text("a tiny test graph");
        w.Write((byte)0);           // undirected
        w.Write(3UL);               // nodes
        w.Write(1UL); w.Write((byte)1);   // 0 -> 1
        w.Write(1UL); w.Write((byte)2);   // 1 -> 2
        w.Write(0UL);
        w.Write(2UL);               // property maps
        w.Write((byte)0); Text("description"); w.Write((byte)6); Text("graph property");
        w.Write((byte)1); Text("value"); w.Write((byte)6); Text("a"); Text("b"); Text("a");
        return buffer.ToArray();
    }
}
