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
        // Round 3's fits wait at the coordinator while the clients are deactivated: rounds 3 and 4 run on new activations.
        var hold = FitRoundGate.Arm(id, 3);
        var clients = Enumerable.Range(0, 2).Select(i => fixture.Client.GetGrain<IClientGrain>(GrainKeys.Client(id, i))).ToArray();
        try
        {
            await grain.StartAsync(Spec("duals"));
            await hold.ReachedAsync(Specs.Patience);
            var before = await Task.WhenAll(clients.Select(c => c.GetInfoAsync()));
            Assert.All(before, info => Assert.True(info.PrivateStateSha256 is not null && info.LastRound == 2, $"client {info.Index} before the deactivation: last round {info.LastRound}, duals {info.PrivateStateSha256 ?? "none"}"));
            foreach (var c in clients)
            {
                await c.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
            }
        }
        finally
        {
            hold.Release();
        }
        var final = await grain.WaitForAsync(int.MaxValue, Specs.Patience);
        Assert.Equal(ExperimentPhase.Completed, final.Phase);
        // The activations after the deactivation did the fits of rounds 3 and 4, with the duals they read back.
        var after = await Task.WhenAll(clients.Select(c => c.GetInfoAsync()));
        Assert.All(after, info => Assert.True(info.Fits == 2 && info.LastRound == 4 && info.PrivateStateSha256 is not null,
            $"client {info.Index} after the deactivation: {info.Fits} fits in this activation (expected 2: rounds 3 and 4), last round {info.LastRound}"));

        // An uninterrupted run of the same spec ends with the same global weights: the duals came back from storage.
        var straight = fixture.Client.GetGrain<IExperimentGrain>(Specs.Id("fedmm-straight"));
        await straight.StartAsync(Spec("duals"));
        Assert.Equal(ExperimentPhase.Completed, (await straight.WaitForAsync(int.MaxValue, Specs.Patience)).Phase);
        Assert.Equal((await straight.GetReportAsync()).FinalWeightsSha256, (await grain.GetReportAsync()).FinalWeightsSha256);
        Assert.True((await grain.GetReportAsync()).Rounds[^1].TestAccuracy >= 0);
    }
}
