using FedOrleans.Contracts;
using Orleans.Core.Internal;

namespace FedOrleans.Grains.Tests;

public sealed class FedMMClusterTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private static string Spec(string name) => $"""
        name: {name}
        seed: 3
        rounds: 4
        dataset: mnist
        adaptation: {"{"} target: mnist-m, target_clients: 1, loss: dann {"}"}
        federation: {"{"} clients: 1, partition: iid {"}"}
        model: {"{"} kind: cnn {"}"}
        train: {"{"} local_steps: 2, batch_size: 16, lr: 0.01 {"}"}
        strategy: {"{"} kind: fedmm, fraction_fit: 1.0, min_fit_clients: 2, min_results: 2 {"}"}
        evaluate_every: 4
        evaluate_samples: 200
        round_timeout_s: 300
        """;

    [Fact]
    public async Task Client_duals_survive_the_deactivation_of_the_client_grains()
    {
        var id = Specs.Id("fedmm-duals");
        var grain = fixture.Client.GetGrain<IExperimentGrain>(id);
        await grain.StartAsync(Spec("duals"));
        var mid = await grain.WaitForAsync(2, TimeSpan.FromMinutes(3));
        Assert.True(mid.CompletedRounds >= 2, $"phase {mid.Phase}, round {mid.CompletedRounds}");
        var clients = Enumerable.Range(0, 2).Select(i => fixture.Client.GetGrain<IClientGrain>(GrainKeys.Client(id, i))).ToArray();
        var before = await Task.WhenAll(clients.Select(c => c.GetInfoAsync()));
        Assert.All(before, info => Assert.NotNull(info.PrivateStateSha256));
        foreach (var c in clients)
        {
            await c.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        }
        var final = await grain.WaitForAsync(int.MaxValue, TimeSpan.FromMinutes(3));
        Assert.Equal(ExperimentPhase.Completed, final.Phase);
        var after = await Task.WhenAll(clients.Select(c => c.GetInfoAsync()));
        Assert.All(after, info => Assert.NotNull(info.PrivateStateSha256));

        // An uninterrupted run of the same spec ends with the same global weights: the duals came back from storage.
        var straight = fixture.Client.GetGrain<IExperimentGrain>(Specs.Id("fedmm-straight"));
        await straight.StartAsync(Spec("duals"));
        Assert.Equal(ExperimentPhase.Completed, (await straight.WaitForAsync(int.MaxValue, TimeSpan.FromMinutes(3))).Phase);
        Assert.Equal((await straight.GetReportAsync()).FinalWeightsSha256, (await grain.GetReportAsync()).FinalWeightsSha256);
        Assert.True((await grain.GetReportAsync()).Rounds[^1].TestAccuracy >= 0);
    }
}
