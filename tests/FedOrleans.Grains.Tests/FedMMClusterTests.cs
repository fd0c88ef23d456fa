using FedOrleans.Contracts;
using FedOrleans.Grains.Training;
using Microsoft.Extensions.DependencyInjection;

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

    /// <summary>
    /// FedMM with its fits as cohorts (two source and two target clients: two groups a round on the silo) runs the same
    /// rounds as with one fit at a time: the same samples and, to float rounding, the same training losses and accuracy.
    /// </summary>
    [Fact]
    public async Task FedMM_rounds_trained_as_cohorts_match_one_at_a_time_fits()
    {
        static string Run(string execution) => Spec("cohorts")
            .Replace("target_clients: 1", "target_clients: 2")
            .Replace("clients: 1, partition", "clients: 2, partition")
            .Replace("min_fit_clients: 2, min_results: 2", "min_fit_clients: 4, min_results: 4")
            + $"\nexecution: {execution}\n";
        var scheduler = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<CohortScheduler>();
        long cohortsBefore = scheduler.Trained.Cohorts;
        var reports = new List<ExperimentReport>();
        foreach (var execution in new[] { "cohort", "single" })
        {
            var grain = fixture.Client.GetGrain<IExperimentGrain>(Specs.Id($"fedmm-{execution}"));
            await grain.StartAsync(Run(execution));
            Assert.Equal(ExperimentPhase.Completed, (await grain.WaitForAsync(int.MaxValue, Specs.Patience)).Phase);
            reports.Add(await grain.GetReportAsync());
            if (execution == "cohort")
            {
                Assert.True(scheduler.Trained.Cohorts - cohortsBefore >= 4, $"{scheduler.Trained.Cohorts - cohortsBefore} cohorts trained in 4 rounds");
            }
        }
        var (cohort, single) = (reports[0].Rounds, reports[1].Rounds);
        Assert.Equal(single.Count, cohort.Count);
        for (int r = 0; r < single.Count; r++)
        {
            Assert.Equal(single[r].AggregatedSamples, cohort[r].AggregatedSamples);
            Assert.Equal(4, cohort[r].Received);
            Assert.True(Math.Abs(single[r].TrainLoss - cohort[r].TrainLoss) <= 1e-4, $"round {r + 1}: train loss {single[r].TrainLoss} single, {cohort[r].TrainLoss} cohort");
        }
        Assert.True(Math.Abs(single[^1].TestAccuracy - cohort[^1].TestAccuracy) <= 0.01);
    }

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
