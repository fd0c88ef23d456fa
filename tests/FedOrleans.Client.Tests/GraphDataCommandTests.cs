namespace FedOrleans.Client.Tests;

public sealed class GraphDataCommandTests
{
    [Fact]
    public async Task Partition_shows_a_graph_experiments_clients_and_cut_edges()
    {
        var folder = Cli.TempFolder();
        File.WriteAllText(Path.Combine(folder, "karate.yaml"), """
            name: karate
            rounds: 2
            graph: { dataset: karate }
            federation: { clients: 3, partition: community }
            strategy: { kind: asfgnn, fraction_fit: 1.0 }
            """);
        var outcome = await Cli.RunAsync(folder, "data", "partition", "karate.yaml", "--out", "out");
        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        Assert.Contains("34 nodes, 78 edges", outcome.Output);
        var csv = File.ReadAllLines(Path.Combine(folder, "out", "clients.csv"));
        Assert.Equal(4, csv.Length);
        Assert.Equal(34, csv.Skip(1).Sum(l => int.Parse(l.Split(',')[1])));
    }
}
