using FedOrleans.Models.Federated;
using FedOrleans.Models.Graphs;
using FedOrleans.Models.Nn;
using FedOrleans.Models.Torch;
using FedOrleans.Models.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FedOrleans.Models.Tests;

/// <summary>The graph trainer and split on their own; whole graph experiments run through the cluster (Grains.Tests, WorkloadRunTests).</summary>
public sealed class GraphTrainingTests
{
    [Fact]
    public void Federation_keeps_intra_client_edges_is_seeded_and_reports_statistics()
    {
        var karate = GraphDatasets.Load(new GraphDataSpec(GraphDatasetName.Karate), TestData.Cache);
        foreach (var kind in new[] { GraphPartitionKind.Random, GraphPartitionKind.Dirichlet, GraphPartitionKind.Community })
        {
            var spec = new GraphFederationSpec(kind, 3, 42, Alpha: 0.5, MinSize: 3);
            var a = GraphFederation.Create(karate, spec);
            var b = GraphFederation.Create(karate, spec);
            Assert.Equal(a.StatisticsCsv(), b.StatisticsCsv());
            Assert.Equal(34, a.Shards.Sum(s => s.OwnedCount));
            Assert.Equal(34, a.Shards.SelectMany(s => s.Nodes).Distinct().Count());
            Assert.Equal(78, a.Shards.Sum(s => s.EdgeCount) + a.CutEdges);
            Assert.All(a.Shards, s => Assert.Equal(s.OwnedCount, s.NodeCount));
            Assert.Equal(4, a.StatisticsCsv().Trim().Split('\n').Length);
            var withHalo = GraphFederation.Create(karate, spec with { CrossClientEdges = true });
            Assert.Equal(78 + a.CutEdges, withHalo.Shards.Sum(s => s.EdgeCount));
            Assert.All(withHalo.Shards, s => Assert.All(s.Train.Concat(s.Test), i => Assert.True(i < s.OwnedCount)));
        }
    }

    [Fact]
    public void Natural_split_needs_groups_and_deals_whole_groups()
    {
        int[] groups = [0, 0, 0, 1, 1, 2, 3, 3, 3, 3];
        var clients = GraphFederation.Deal(groups, 2);
        Assert.Equal([6, 7, 8, 9, 5], clients[0]);
        Assert.Equal([0, 1, 2, 3, 4], clients[1]);
        var karate = GraphDatasets.Load(new GraphDataSpec(GraphDatasetName.Karate), TestData.Cache);
        Assert.Throws<Data.Partitioning.PartitionException>(() => GraphFederation.Create(karate, new GraphFederationSpec(GraphPartitionKind.Natural, 2, 1)));
    }

    [Fact]
    public void Asfgnn_uploads_only_the_classifier_and_keeps_the_message_passing_part_private()
    {
        TorchRuntime.Configure(1);
        var karate = GraphDatasets.Load(new GraphDataSpec(GraphDatasetName.Karate, TrainFraction: 0.3), TestData.Cache);
        var model = new GnnSpec(Hidden: 8);
        var trainer = new GraphTrainer(model, GraphTrainerMode.Separated, new AsfgnnSettings(Beta: 0.5, Rho: 1, SecondSteps: 3));
        var global = trainer.InitialGlobal(karate.FeatureCount, 2, 7);
        using var probe = new GraphNet(model, karate.FeatureCount, 2);
        Assert.Equal(probe.PhiCount, global.Length);
        var shard = GraphFederation.Create(karate, new GraphFederationSpec(GraphPartitionKind.Random, 2, 3)).Shards[0];
        var settings = new TrainerSettings(Epochs: 5, LearningRate: 0.01, Optimizer: OptimizerKind.Adam);
        var first = trainer.Fit(global, new FitInstructions(1, 11, settings), shard, null, default);
        Assert.Equal(probe.PhiCount, first.Weights.Length);
        Assert.Equal(probe.ThetaCount + probe.PhiCount, first.PrivateState!.Length);
        Assert.Equal(first.Weights.Values, first.PrivateState[probe.ThetaCount..]);
        Assert.Equal(shard.Train.Length, first.NumSamples);
        // The second round starts from the private state: same inputs, same result; a different state, a different result.
        var again = trainer.Fit(first.Weights, new FitInstructions(2, 12, settings), shard, first.PrivateState, default);
        var repeat = trainer.Fit(first.Weights, new FitInstructions(2, 12, settings), shard, first.PrivateState, default);
        Assert.Equal(again.Weights.Sha256(), repeat.Weights.Sha256());
        var fresh = trainer.Fit(first.Weights, new FitInstructions(2, 12, settings), shard, null, default);
        Assert.NotEqual(again.Weights.Sha256(), fresh.Weights.Sha256());
    }

    [Fact]
    public void Jensen_shannon_matches_its_formula()
    {
        using var scope = NewDisposeScope();
        double[] p = [0.7, 0.2, 0.1], q = [0.1, 0.3, 0.6];
        double Kl(double[] a, double[] b) => a.Zip(b).Sum(x => x.First * Math.Log(x.First / x.Second));
        var m = p.Zip(q, (a, b) => (a + b) / 2).ToArray();
        double expected = 0.5 * Kl(p, m) + 0.5 * Kl(q, m);
        using var half = 0.5.ToScalar();
        var js = GraphTrainer.JensenShannon(tensor(p.Select(v => (float)v).ToArray(), [1, 3]), tensor(q.Select(v => (float)v).ToArray(), [1, 3]), half);
        Assert.Equal(expected, js.item<float>(), 5);
        Assert.Equal(0, GraphTrainer.JensenShannon(tensor(p.Select(v => (float)v).ToArray(), [1, 3]), tensor(p.Select(v => (float)v).ToArray(), [1, 3]), half).item<float>(), 6);
    }
}
