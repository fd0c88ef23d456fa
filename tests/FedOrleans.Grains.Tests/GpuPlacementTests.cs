using FedOrleans.Contracts;
using FedOrleans.Grains.Placement;
using FedOrleans.Grains.Training;
using Microsoft.Extensions.DependencyInjection;

namespace FedOrleans.Grains.Tests;

/// <summary>GPU-aware placement: silo metadata, the placement filter, the per-silo GPU job limit, and the errors without a GPU silo.</summary>
public sealed class GpuPlacementTests
{
    [Fact]
    public async Task Every_client_of_a_gpu_experiment_lands_on_the_silo_that_advertises_a_gpu()
    {
        await using var cluster = await TestClusters.StartAsync(3, gpuSilo: 1);
        // Every silo sees the one GPU silo through the membership's silo metadata.
        var seen = await GpuSilosSeenByEverySiloAsync(cluster);
        Assert.All(seen, gpus => Assert.Single(gpus));
        Assert.Single(seen.Select(g => g[0]).Distinct());
        var gpuSilo = cluster.Silos.Single(s => s.SiloAddress == seen[0][0]);
        var id = Specs.Id("gpu");
        var grain = cluster.Client.GetGrain<IExperimentGrain>(id);
        await grain.StartAsync(Specs.Small("gpu", 3, "gpu: required"));
        var status = await grain.WaitForAsync(int.MaxValue, Specs.Patience);
        Assert.True(status.Phase == ExperimentPhase.Completed, $"{status.Phase}: {status.Error}");
        Assert.True((await grain.GetViewAsync()).GpuClients);

        var trained = new List<ClientInfo>();
        for (int i = 0; i < 40; i++)
        {
            var info = await GrainKeys.ClientGrain(cluster.Client, id, i, gpu: true).GetInfoAsync();
            if (info.Fits > 0)
            {
                trained.Add(info);
            }
        }
        Assert.True(trained.Count >= 8, $"only {trained.Count} clients trained");
        var elsewhere = trained.Where(c => c.Silo != gpuSilo.SiloAddress.ToString()).ToList();
        Assert.True(elsewhere.Count == 0,
            $"GPU clients placed off the GPU silo {gpuSilo.SiloAddress}: {string.Join(", ", elsewhere.Select(c => $"{c.Index}@{c.Silo}"))}");

        // Two fits may run at once on every silo (ConcurrentFits = 2), but the GPU silo runs one GPU job at a time.
        var slots = gpuSilo.ServiceProvider.GetRequiredService<GpuJobSlots>();
        Assert.Equal(1, slots.Peak);
        foreach (var other in cluster.Silos.Where(s => s != gpuSilo))
        {
            Assert.Equal(0, other.ServiceProvider.GetRequiredService<GpuJobSlots>().Peak);
        }
    }

    [Fact]
    public async Task Without_a_gpu_silo_required_fails_clearly_and_preferred_falls_back_to_the_cpu_silos()
    {
        await using var cluster = await TestClusters.StartAsync(1);
        var required = cluster.Client.GetGrain<IExperimentGrain>(Specs.Id("gpu-required"));
        var error = await Assert.ThrowsAnyAsync<Exception>(() => required.StartAsync(Specs.Small("gpu-required", 2, "gpu: required")));
        Assert.Contains("gpu: required", error.Message);
        Assert.Contains("--device cuda", error.Message);
        Assert.Equal(ExperimentPhase.NotStarted, (await required.GetStatusAsync()).Phase);

        var preferred = cluster.Client.GetGrain<IExperimentGrain>(Specs.Id("gpu-preferred"));
        await preferred.StartAsync(Specs.Small("gpu-preferred", 2, "gpu: preferred"));
        var status = await preferred.WaitForAsync(int.MaxValue, Specs.Patience);
        Assert.True(status.Phase == ExperimentPhase.Completed, $"{status.Phase}: {status.Error}");
        Assert.False((await preferred.GetViewAsync()).GpuClients);
    }

    [Fact]
    public async Task A_gpu_job_runs_on_the_gpu_silo_and_is_refused_on_a_cluster_without_one()
    {
        const string spec = """
            name: gpu-job
            kind: pretrain
            gpu: required
            checkpoint_every: 2
            pretrain: { preset: nano, corpus: [moby-dick], steps: 4, batch_size: 2, sequence_length: 16, eval_every: 4, validation_batches: 1 }
            """;
        await new Models.Data.DatasetFetcher(Models.Data.DataCache.Default).EnsureAsync(Models.Data.DatasetName.MobyDick);
        await using (var cluster = await TestClusters.StartAsync(2, gpuSilo: 0))
        {
            var seen = await GpuSilosSeenByEverySiloAsync(cluster);
            string gpuSilo = seen[1].Count == 1 ? seen[1][0].ToString() : "";
            Assert.NotEqual("", gpuSilo);
            var registry = cluster.Client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.Key);
            var id = Specs.Id("gpu-job");
            await registry.StartAsync(id, spec);
            var done = await (await registry.FindAsync(id))!.WaitForAsync(int.MaxValue, Specs.Patience);
            Assert.True(done.Phase == ExperimentPhase.Completed, $"{done.Phase}: {done.Error}");
            Assert.True(done.OnGpuSilo);
            Assert.Equal(gpuSilo, done.Silo);
            Assert.False(double.IsNaN(done.History[^1].Metric), "the last step reports the validation perplexity");
        }
        await using (var cpuOnly = await TestClusters.StartAsync(1))
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(() =>
                cpuOnly.Client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.Key).StartAsync(Specs.Id("gpu-job"), spec));
            Assert.Contains("gpu: required", error.Message);
        }
    }

    /// <summary>
    /// Each silo's view of the GPU silos, once every silo sees at least one. Silo metadata is fetched by each
    /// silo's metadata cache after a membership change and Orleans exposes no event for it, so this asks
    /// again until it is there (at most 20 s).
    /// </summary>
    private static async Task<List<IReadOnlyList<Orleans.Runtime.SiloAddress>>> GpuSilosSeenByEverySiloAsync(Orleans.TestingHost.InProcessTestCluster cluster)
    {
        List<IReadOnlyList<Orleans.Runtime.SiloAddress>> Seen() =>
            cluster.Silos.Select(s => s.ServiceProvider.GetRequiredService<GpuSilos>().Active()).ToList();
        var seen = Seen();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        for (var deadline = DateTime.UtcNow.AddSeconds(20); seen.Any(g => g.Count == 0) && DateTime.UtcNow < deadline && await timer.WaitForNextTickAsync();)
        {
            seen = Seen();
        }
        return seen;
    }
}
