using FedOrleans.Contracts;

namespace FedOrleans.Grains.Tests;

public sealed class MultiSiloTests
{
    /// <summary>Under cohort execution the two silos form two cohorts of the round: a client's result must not depend on that.</summary>
    [Theory]
    [InlineData("single")]
    [InlineData("cohort")]
    public async Task The_same_seed_gives_the_same_final_weights_on_one_silo_and_on_two(string execution)
    {
        var hashes = new List<string>();
        var silosUsed = new List<int>();
        foreach (var silos in new[] { 1, 2 })
        {
            await using var cluster = await TestClusters.StartAsync(silos);
            var id = Specs.Id($"repro{silos}");
            var grain = cluster.Client.GetGrain<IExperimentGrain>(id);
            await grain.StartAsync(Specs.Small("repro", 3, $"execution: {execution}"));
            var status = await grain.WaitForAsync(int.MaxValue, Specs.Patience);
            Assert.Equal(ExperimentPhase.Completed, status.Phase);
            hashes.Add((await grain.GetReportAsync()).FinalWeightsSha256);
            var infos = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => cluster.Client.GetGrain<IClientGrain>(GrainKeys.Client(id, i)).GetInfoAsync()));
            silosUsed.Add(infos.Select(i => i.Silo).Distinct().Count());
        }
        Assert.Equal(1, silosUsed[0]);
        Assert.True(silosUsed[1] == 2, $"the clients should be spread over both silos, found {silosUsed[1]}");
        Assert.Equal(hashes[0], hashes[1]);
    }
}
