using FedOrleans.Contracts;
using FedOrleans.Grains.Experiments;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;
using Orleans.Runtime;
using Orleans.Storage;
using Orleans.TestingHost;

namespace FedOrleans.Grains.Tests;

/// <summary>A coordinator that writes its state every few rounds (<c>--checkpoint-every</c>), as the console's embedded silo does.</summary>
public sealed class CheckpointTests : IAsyncLifetime
{
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TestClusters.StartAsync(1, training: o => o.CheckpointEvery = 3);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Rounds_between_checkpoints_stay_in_memory_and_a_resume_trains_them_again_with_identical_results()
    {
        var spec = Specs.Small("checkpoints", 7);
        var id = Specs.Id("checkpoints");
        var grain = _cluster.Client.GetGrain<IExperimentGrain>(id);
        var hold = FitRoundGate.Arm(id, 6);
        try
        {
            await grain.StartAsync(spec);
            await hold.ReachedAsync(Specs.Patience);
            // Round 5 is recorded while round 6's fits are held; the storage still has round 3, the last multiple of 3.
            Assert.Equal(5, (await grain.WaitForAsync(5, Specs.Patience)).CompletedRounds);
            var stored = await StoredAsync(grain);
            Assert.Equal(3, stored.CompletedRounds);
            Assert.Equal([1, 2, 3], stored.History.Select(r => r.Round));
            await grain.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        }
        finally
        {
            hold.Release();
        }

        var status = await grain.WaitForAsync(int.MaxValue, Specs.Patience);
        Assert.Equal(ExperimentPhase.Completed, status.Phase);
        Assert.True(status.Resumes >= 1, "the experiment grain should have been re-activated and resumed from round 3");
        var resumed = await grain.GetReportAsync();
        Assert.Equal([1, 2, 3, 4, 5, 6, 7], resumed.Rounds.Select(r => r.Round));
        // The end is always written, whatever the interval.
        Assert.Equal(7, (await StoredAsync(grain)).CompletedRounds);

        var straight = _cluster.Client.GetGrain<IExperimentGrain>(Specs.Id("checkpoints-straight"));
        await straight.StartAsync(spec);
        Assert.Equal(ExperimentPhase.Completed, (await straight.WaitForAsync(int.MaxValue, Specs.Patience)).Phase);
        Assert.Equal((await straight.GetReportAsync()).FinalWeightsSha256, resumed.FinalWeightsSha256);
    }

    /// <summary>The experiment's state as its silo's grain storage holds it (not the coordinator's copy in memory).</summary>
    private async Task<ExperimentState> StoredAsync(IExperimentGrain grain)
    {
        var storage = _cluster.Silos[0].SiloHost.Services.GetRequiredKeyedService<IGrainStorage>(FedOrleansNames.StateStorage);
        var state = new GrainState<ExperimentState>();
        await storage.ReadStateAsync("experiment", grain.GetGrainId(), state);
        return state.State ?? throw new InvalidOperationException("no experiment state in the silo's storage");
    }
}
