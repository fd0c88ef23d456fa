using FedOrleans.Models.Graphs;
using FedOrleans.Models.Nn;
using FedOrleans.Models.Specs;

namespace FedOrleans.Models.Tests;

public sealed class GraphSpecTests
{
    private static string Experiments => Path.Combine(FindRepositoryRoot(), "experiments");

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FedOrleans.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("no FedOrleans.sln above the test binaries");
    }

    [Fact]
    public void Every_asfgnn_experiment_parses_into_a_graph_experiment()
    {
        var files = Directory.GetFiles(Experiments, "asfgnn-*.yaml").Where(f => !Path.GetFileName(f).StartsWith("asfgnn-tune-", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var spec = SpecParser.Parse(File.ReadAllText(file), source: file);
            Assert.IsType<GraphWorkloadSpec>(spec.Workload);
        }
        var coraSpec = SpecParser.Parse(File.ReadAllText(Path.Combine(Experiments, "asfgnn-cora.yaml")));
        var cora = Assert.IsType<GraphWorkloadSpec>(coraSpec.Workload);
        Assert.Equal(GraphMethod.Asfgnn, cora.Method(coraSpec));
        Assert.Equal(GraphPartitionKind.Community, cora.GraphPartition(coraSpec).Kind);
        Assert.Equal(5, cora.GraphPartition(coraSpec).Clients);
        Assert.Equal(new GnnSpec(GnnKind.Gcn, 16, 0.5), cora.Graph.Model);
        var centralised = SpecParser.Parse(File.ReadAllText(Path.Combine(Experiments, "asfgnn-cora-centralised.yaml")));
        Assert.Equal(GraphMethod.Centralised, Assert.IsType<GraphWorkloadSpec>(centralised.Workload).Method(centralised));
        var polblogsSpec = SpecParser.Parse(File.ReadAllText(Path.Combine(Experiments, "asfgnn-polblogs.yaml")), ["strategy.kind=local-only", "federation.cross_client_edges=true"]);
        var polblogs = Assert.IsType<GraphWorkloadSpec>(polblogsSpec.Workload);
        Assert.Equal(GraphMethod.LocalOnly, polblogs.Method(polblogsSpec));
        Assert.True(polblogs.GraphPartition(polblogsSpec).CrossClientEdges);
        Assert.Equal(GraphFeatureKind.Identity, polblogs.Graph.Data.Features);
    }

    [Fact]
    public void Graph_spec_errors_name_their_fields()
    {
        const string yaml = """
            name: g
            rounds: 2
            dataset: mnist
            graph: { dataset: cite/seer, beta: 2 }
            federation: { clients: 2, partition: pathological, alpha: 0.5 }
            model: { kind: cnn, hidden: 0 }
            strategy: { kind: fedmm }
            """;
        var (spec, errors, _) = SpecParser.TryParse(yaml);
        Assert.Null(spec);
        var paths = errors.Select(e => e.Path).ToHashSet();
        foreach (var path in new[] { "dataset", "graph.dataset", "graph.beta", "federation.partition", "model.kind", "model.hidden", "strategy.kind" })
        {
            Assert.Contains(path, paths);
        }
        var imageWithAsfgnn = SpecParser.TryParse("name: i\nrounds: 1\ndataset: mnist\nfederation: { clients: 2 }\nstrategy: { kind: asfgnn }\n");
        Assert.Contains(imageWithAsfgnn.Errors, e => e.Path == "strategy.kind" && e.Message.Contains("graph section"));
    }
}
