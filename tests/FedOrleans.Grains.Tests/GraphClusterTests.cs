using System.Collections.Concurrent;
using FedOrleans.Contracts;
using FedOrleans.Silo.Hosting;
using Orleans.TestingHost;

namespace FedOrleans.Grains.Tests;

/// <summary>Records the size of every weight payload into and out of client grains' FitAsync (what crosses the wire).</summary>
public sealed class FitPayloadRecorder : IIncomingGrainCallFilter
{
    public static ConcurrentQueue<(string Grain, int RequestBytes, int ResultBytes)> Fits { get; } = new();

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        await context.Invoke();
        if (context.InterfaceMethod?.Name == nameof(IClientGrain.FitAsync) && context.Request.GetArgument(0) is FitRequest request && context.Result is FitResult result)
        {
            Fits.Enqueue((context.TargetId.ToString(), request.GlobalWeights.Length, result.Weights.Length));
        }
    }
}

/// <summary>A single-silo cluster whose silo records client fit payloads (and can hold a round's fits, <see cref="FitRoundGate"/>).</summary>
public sealed class RecordingClusterFixture : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => silo.AddFedOrleans(o => o.ConcurrentFits = 2).AddIncomingGrainCallFilter<FitPayloadRecorder>().AddOutgoingGrainCallFilter<FitRoundGate>());
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

public sealed class GraphClusterTests(RecordingClusterFixture fixture) : IClassFixture<RecordingClusterFixture>
{
    // Karate club, 2 clients, GCN with 8 hidden units: θ = 34 x 8 + 8 = 280 floats stay private, φ = 8 x 2 + 2 = 18 floats travel.
    private const int PhiBytes = 18 * sizeof(float);

    private static string Spec(string name, string kind = "asfgnn") => $"""
        name: {name}
        seed: 5
        rounds: 4
        graph: {"{"} dataset: karate, train_fraction: 0.3, beta: 0.5, rho: 1.0, second_steps: 3 {"}"}
        federation: {"{"} clients: 2, partition: random {"}"}
        model: {"{"} kind: gcn, hidden: 8 {"}"}
        train: {"{"} epochs: 5, optimizer: adam, lr: 0.01, weight_decay: 5.0e-4 {"}"}
        strategy: {"{"} kind: {kind}, fraction_fit: 1.0, min_fit_clients: 2 {"}"}
        round_timeout_s: 300
        """;

    [Fact]
    public async Task Asfgnn_keeps_the_message_passing_layers_in_the_client_grains_across_deactivation()
    {
        var id = Specs.Id("asfgnn-private");
        var grain = fixture.Cluster.Client.GetGrain<IExperimentGrain>(id);
        // Round 3's fits wait at the coordinator while the clients are deactivated: rounds 3 and 4 run on new
        // activations, from the private layers they read back.
        await FitRoundGate.RunWithClientsDeactivatedBeforeRound3Async(fixture.Cluster.Client, grain, id, Spec("asfgnn-private"), 2, "private state");
        var report = await grain.GetReportAsync();
        Assert.Equal(PhiBytes, report.FinalWeights.Length);
        Assert.All(report.Rounds, r => Assert.InRange(r.TestAccuracy, 0, 1));
        Assert.All(report.Rounds, r => Assert.InRange(r.ValidationAccuracy, 0, 1));

        // Every fit of this experiment carried the classifier only, both ways.
        var fits = FitPayloadRecorder.Fits.Where(f => f.Grain.Contains(id, StringComparison.Ordinal)).ToList();
        Assert.Equal(8, fits.Count);
        Assert.All(fits, f => Assert.Equal((PhiBytes, PhiBytes), (f.RequestBytes, f.ResultBytes)));

        // An uninterrupted run ends with the same classifier: the private layers came back from storage.
        var straight = fixture.Cluster.Client.GetGrain<IExperimentGrain>(Specs.Id("asfgnn-straight"));
        await straight.StartAsync(Spec("asfgnn-private"));
        Assert.Equal(ExperimentPhase.Completed, (await straight.WaitForAsync(int.MaxValue, Specs.Patience)).Phase);
        Assert.Equal((await straight.GetReportAsync()).FinalWeightsSha256, report.FinalWeightsSha256);
    }

    [Fact]
    public async Task Naive_federated_gcn_ships_the_whole_model()
    {
        var id = Specs.Id("gcn-fedavg");
        var grain = fixture.Cluster.Client.GetGrain<IExperimentGrain>(id);
        await grain.StartAsync(Spec("gcn-fedavg", "fedavg"));
        var final = await grain.WaitForAsync(int.MaxValue, Specs.Patience);
        Assert.Equal(ExperimentPhase.Completed, final.Phase);
        Assert.Equal((280 + 18) * sizeof(float), (await grain.GetReportAsync()).FinalWeights.Length);
        var info = await fixture.Cluster.Client.GetGrain<IClientGrain>(GrainKeys.Client(id, 0)).GetInfoAsync();
        Assert.Null(info.PrivateStateSha256);
    }
}
