using FedOrleans.Contracts;
using Orleans.Core.Internal;
using Orleans.Runtime;

namespace FedOrleans.Grains.Tests;

public sealed class ExperimentGrainTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{

    private async Task<ExperimentStatus> RunToEndAsync(IExperimentGrain grain, string spec)
    {
        await grain.StartAsync(spec);
        var status = await grain.WaitForAsync(int.MaxValue, Specs.Patience);
        Assert.True(status.IsFinished, $"experiment {status.ExperimentId} still {status.Phase} at round {status.CompletedRounds}/{status.TotalRounds} after {Specs.Patience}");
        return status;
    }

    [Fact]
    public async Task Three_rounds_on_mnist_lower_the_test_loss_and_the_long_poll_sees_every_round()
    {
        var id = Specs.Id("falling");
        var grain = fixture.Client.GetGrain<IExperimentGrain>(id);
        await grain.StartAsync(Specs.Small(id, 3));
        // The long poll, as the console watches: each call returns once the round it names is done (or the run ended).
        var seen = new List<int>();
        for (int round = 1; round <= 3; round++)
        {
            var progress = await grain.WaitForAsync(round, Specs.Patience);
            Assert.True(progress.CompletedRounds >= round, $"long poll for round {round} returned at {progress.CompletedRounds} ({progress.Phase})");
            seen.Add(progress.CompletedRounds);
        }
        var status = await grain.WaitForAsync(int.MaxValue, Specs.Patience);
        Assert.True(status.IsFinished, $"still {status.Phase}");
        Assert.Equal(ExperimentPhase.Completed, status.Phase);
        Assert.Equal(3, seen[^1]);
        var report = await grain.GetReportAsync();
        Assert.Equal([1, 2, 3], report.Rounds.Select(r => r.Round));
        Assert.All(report.Rounds, r => Assert.True(r.Accepted && r.Received == 8 && r.Failed == 0, r.ToString()));
        var losses = report.Rounds.Select(r => r.TestLoss).ToArray();
        Assert.True(losses[2] < losses[1] && losses[1] < losses[0], $"test loss should fall: {string.Join(", ", losses)}");
        Assert.True(report.Rounds[^1].TestAccuracy > 0.8, $"accuracy {report.Rounds[^1].TestAccuracy}");
        Assert.Equal(7850 * 4, report.FinalWeights.Length);
    }

    /// <summary>Under cohort execution the failing client's 39 round-mates still train as a cohort and succeed.</summary>
    [Theory]
    [InlineData("single")]
    [InlineData("cohort")]
    public async Task A_throwing_client_is_a_failure_and_the_round_completes(string execution)
    {
        var id = Specs.Id($"faulty-{execution}");
        var grain = fixture.Client.GetGrain<IExperimentGrain>(id);
        // All 40 clients a round; client 3 always throws, and min_results 30 still allows the round.
        var spec = Specs.Small(id, 2, $"faults: {{ fail_clients: [3] }}\nexecution: {execution}").Replace("fraction_fit: 0.2, min_fit_clients: 8, min_results: 6", "fraction_fit: 1.0, min_fit_clients: 8, min_results: 30");
        var status = await RunToEndAsync(grain, spec);
        Assert.Equal(ExperimentPhase.Completed, status.Phase);
        var report = await grain.GetReportAsync();
        Assert.All(report.Rounds, r =>
        {
            Assert.True(r.Accepted, r.Status);
            Assert.Equal(40, r.Sampled);
            Assert.Equal(39, r.Received);
            var failure = Assert.Single(r.Failures);
            Assert.Equal(3, failure.Client);
            Assert.Contains("client 3 failed", failure.Reason);
        });
    }

    [Fact]
    public async Task Too_few_results_abort_the_round_with_a_clear_status()
    {
        var id = Specs.Id("aborted");
        var grain = fixture.Client.GetGrain<IExperimentGrain>(id);
        var spec = Specs.Small(id, 2, "faults: { dropout_rate: 1.0 }");
        var status = await RunToEndAsync(grain, spec);
        Assert.Equal(ExperimentPhase.Completed, status.Phase);
        var report = await grain.GetReportAsync();
        Assert.All(report.Rounds, r =>
        {
            Assert.False(r.Accepted);
            Assert.Equal(8, r.Failed);
            Assert.Contains("at least 6 results are needed", r.Status);
        });
    }

    [Fact]
    public async Task A_deactivated_experiment_resumes_from_its_last_round_with_identical_results()
    {
        var reference = fixture.Client.GetGrain<IExperimentGrain>(Specs.Id("straight"));
        var id = Specs.Id("resumed");
        var grain = fixture.Client.GetGrain<IExperimentGrain>(id);
        // Same seed and settings under two ids: the interrupted run must end bit-identical to the straight one.
        var straight = Specs.Small("same", 6);
        await grain.StartAsync(straight);
        var mid = await grain.WaitForAsync(2, Specs.Patience);
        Assert.True(mid.CompletedRounds >= 2, $"phase {mid.Phase}, round {mid.CompletedRounds}");
        await grain.AsReference<IGrainManagementExtension>().DeactivateOnIdle();

        var status = await grain.WaitForAsync(int.MaxValue, Specs.Patience);
        Assert.Equal(ExperimentPhase.Completed, status.Phase);
        Assert.True(status.Resumes >= 1, "the experiment grain should have been re-activated and resumed");
        var resumed = await grain.GetReportAsync();
        Assert.Equal([1, 2, 3, 4, 5, 6], resumed.Rounds.Select(r => r.Round));

        await RunToEndAsync(reference, straight);
        var baseline = await reference.GetReportAsync();
        Assert.Equal(baseline.FinalWeightsSha256, resumed.FinalWeightsSha256);
    }

    [Fact]
    public async Task Another_spec_under_a_used_id_is_refused_and_cancel_keeps_finished_rounds()
    {
        var id = Specs.Id("cancel");
        var grain = fixture.Client.GetGrain<IExperimentGrain>(id);
        await grain.StartAsync(Specs.Small(id, 200));
        await grain.WaitForAsync(1, Specs.Patience);
        var cancelled = await grain.CancelAsync();
        Assert.Equal(ExperimentPhase.Cancelled, cancelled.Phase);
        Assert.InRange(cancelled.CompletedRounds, 1, 199);
        var report = await grain.GetReportAsync();
        Assert.Equal(Enumerable.Range(1, cancelled.CompletedRounds), report.Rounds.Select(r => r.Round));
        var refused = await Assert.ThrowsAsync<IdInUseException>(() => grain.StartAsync(Specs.Small(id, 3)));
        Assert.Contains("already used", refused.Message);
        var invalid = await Assert.ThrowsAnyAsync<Exception>(() => fixture.Client.GetGrain<IExperimentGrain>(Specs.Id("invalid")).StartAsync("name: x\nrounds: 0\n"));
        Assert.Contains("rounds", invalid.Message);
    }
}
