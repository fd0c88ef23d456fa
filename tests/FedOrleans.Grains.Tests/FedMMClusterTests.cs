using FedOrleans.Contracts;

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
        // Round 3's fits wait at the coordinator while the clients are deactivated: rounds 3 and 4 run on new
        // activations, with the duals they read back.
        await FitRoundGate.RunWithClientsDeactivatedBeforeRound3Async(fixture.Client, grain, id, Spec("duals"), 2, "duals");

        // An uninterrupted run of the same spec ends with the same global weights: the duals came back from storage.
        var straight = fixture.Client.GetGrain<IExperimentGrain>(Specs.Id("fedmm-straight"));
        await straight.StartAsync(Spec("duals"));
        Assert.Equal(ExperimentPhase.Completed, (await straight.WaitForAsync(int.MaxValue, Specs.Patience)).Phase);
        Assert.Equal((await straight.GetReportAsync()).FinalWeightsSha256, (await grain.GetReportAsync()).FinalWeightsSha256);
        Assert.True((await grain.GetReportAsync()).Rounds[^1].TestAccuracy >= 0);
    }
}
