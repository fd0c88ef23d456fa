using FedOrleans.Models.Data;
using FedOrleans.Models.Data.Partitioning;
using FedOrleans.Models.Federated;
using FedOrleans.Models.Nn;
using FedOrleans.Models.Specs;
using FedOrleans.Models.Training;

namespace FedOrleans.Models.Tests;

public sealed class AggregationTests
{
    private static ClientUpdate Update(int client, int samples, params float[] w) => new(new ClientId(client), new ModelWeights(w), samples, 0);

    [Fact]
    public void Weighted_average_matches_hand_computed_values()
    {
        // (1*[1,2] + 3*[5,10]) / 4 = [4, 8];  (2*[0,-4] + 1*[3,3] + 1*[1,1]) / 4 = [1, -1].
        var avg = Aggregation.WeightedAverage([Update(0, 1, 1, 2), Update(1, 3, 5, 10)])!;
        Assert.Equal(new float[] { 4, 8 }, avg);
        var three = Aggregation.WeightedAverage([Update(2, 2, 0, -4), Update(0, 1, 3, 3), Update(1, 1, 1, 1)])!;
        Assert.Equal(new float[] { 1, -1 }, three);
    }

    [Fact]
    public void Aggregation_does_not_depend_on_arrival_order_and_ignores_empty_clients()
    {
        var random = new Random(3);
        var updates = Enumerable.Range(0, 12).Select(i =>
            Update(i, 1 + i % 5, Enumerable.Range(0, 50).Select(_ => (float)random.NextDouble()).ToArray())).ToList();
        var forward = Aggregation.WeightedAverage(updates)!;
        var shuffled = updates.OrderBy(_ => random.Next()).ToList();
        Assert.Equal(forward, Aggregation.WeightedAverage(shuffled)!);
        var withEmpty = updates.Append(Update(99, 0, Enumerable.Repeat(1000f, 50).ToArray())).ToList();
        Assert.Equal(forward, Aggregation.WeightedAverage(withEmpty)!);
        Assert.Null(Aggregation.WeightedAverage([Update(0, 0, 1, 2)]));
    }

    [Fact]
    public void FedAvg_rejects_a_round_below_min_results_and_keeps_the_state()
    {
        var strategy = new FedAvgStrategy(new StrategySpec(MinResults: 2), new TrainerSettings());
        var state = StrategyState.Initial(new ModelWeights([1, 1]));
        var outcome = strategy.AggregateFit(new RoundContext(3, 1), state, [Update(0, 5, 2, 2)], [new ClientFailure(new ClientId(1), "boom")]);
        Assert.False(outcome.Accepted);
        Assert.Same(state, outcome.State);
        Assert.Contains("at least 2 results", outcome.Reason);
        Assert.Contains("1 failures", outcome.Reason);
    }

    [Fact]
    public void FedProx_sends_mu_to_clients_and_sampling_is_seeded_and_sorted()
    {
        var spec = new StrategySpec(StrategyKind.FedProx, FractionFit: 0.3, MinFitClients: 2, ProximalMu: 0.25);
        var strategy = new FedAvgStrategy(spec, new TrainerSettings());
        var clients = Enumerable.Range(0, 10).Select(i => new ClientId(i)).ToList();
        var state = StrategyState.Initial(new ModelWeights([0]));
        var a = strategy.ConfigureFit(new RoundContext(4, 9), state, clients);
        var b = strategy.ConfigureFit(new RoundContext(4, 9), state, clients);
        var c = strategy.ConfigureFit(new RoundContext(5, 9), state, clients);
        Assert.Equal(3, a.Count);
        Assert.Equal(a.Select(x => x.Client), b.Select(x => x.Client));
        Assert.NotEqual(a.Select(x => x.Client), c.Select(x => x.Client));
        Assert.Equal(a.Select(x => x.Client).Order(), a.Select(x => x.Client));
        Assert.All(a, x => Assert.Equal(0.25, x.Instructions.Settings.ProximalMu));
        Assert.Equal(a.Select(x => x.Instructions.Seed).Distinct().Count(), a.Count);
    }

    [Fact]
    public void FedProx_client_objective_pulls_towards_the_global_model()
    {
        // Same data, same seed: FedProx's gradient term mu (w - w_global) pulls the weights back towards the
        // global (zero) weights, so they end closer to it than plain SGD's.
        var data = new Dataset("tiny", [128, 255, 64, 192, 255, 0, 0, 255], 1f / 255, [0, 1], 1, 2, 2, 2);
        var shard = new ClientShard(data, [0, 1], false);
        var trainer = new SupervisedTrainer(ModelSpec.Logistic, new InputShape(1, 2, 2, 2));
        var global = new ModelWeights(new float[10]);
        var plain = trainer.Fit(global, new FitInstructions(1, 5, new TrainerSettings(Epochs: 20, BatchSize: 1, LearningRate: 0.5)), shard, default);
        var prox = trainer.Fit(global, new FitInstructions(1, 5, new TrainerSettings(Epochs: 20, BatchSize: 1, LearningRate: 0.5, ProximalMu: 1.0)), shard, default);
        static double Norm(float[] w) => Math.Sqrt(w.Sum(v => (double)v * v));
        Assert.True(Norm(prox.Weights.Values) < Norm(plain.Weights.Values), $"prox {Norm(prox.Weights.Values)} vs plain {Norm(plain.Weights.Values)}");
    }

    [Fact]
    public void FedAvgM_applies_server_momentum_to_the_pseudo_gradient()
    {
        var spec = new StrategySpec(StrategyKind.FedAvgM, ServerLearningRate: 0.5, ServerMomentum: 0.9);
        var strategy = new ServerOptimizerStrategy(spec, new TrainerSettings());
        var state = strategy.Initialize(new ModelWeights([1, 2]));
        // Round 1: avg = [3, 0], delta = [2, -2], m = [2, -2], w = [1, 2] + 0.5 m = [2, 1].
        var r1 = strategy.AggregateFit(new RoundContext(1, 1), state, [Update(0, 1, 3, 0)], []);
        Assert.Equal(new float[] { 2, 1 }, r1.State.Global.Values);
        Assert.Equal(new float[] { 2, -2 }, r1.State.Slots[0]);
        // Round 2: avg = [2, 1], delta = 0, m = 0.9 m = [1.8, -1.8], w = [2, 1] + 0.5 m = [2.9, 0.1].
        var r2 = strategy.AggregateFit(new RoundContext(2, 1), r1.State, [Update(0, 1, 2, 1)], []);
        Assert.Equal(2.9f, r2.State.Global.Values[0], 5);
        Assert.Equal(0.1f, r2.State.Global.Values[1], 5);
        Assert.Equal(2, r2.State.Step);
    }

    [Fact]
    public void FedAdam_matches_the_update_of_Reddi_et_al()
    {
        var spec = new StrategySpec(StrategyKind.FedAdam, ServerLearningRate: 0.1, Beta1: 0.9, Beta2: 0.99, Tau: 0.001);
        var strategy = new ServerOptimizerStrategy(spec, new TrainerSettings());
        var state = strategy.Initialize(new ModelWeights([0, 1]));
        // delta = [1, -0.5]; m = 0.1 delta = [0.1, -0.05]; v = 0.01 delta^2 = [0.01, 0.0025];
        // w = w + 0.1 m / (sqrt(v) + 0.001) = [0 + 0.01/0.101, 1 - 0.005/0.051].
        var r1 = strategy.AggregateFit(new RoundContext(1, 1), state, [Update(0, 4, 1, 0.5f)], []);
        Assert.Equal(0.01 / 0.101, r1.State.Global.Values[0], 5);
        Assert.Equal(1 - 0.005 / 0.051, r1.State.Global.Values[1], 5);
        Assert.Equal(0.1f, r1.State.Slots[0][0], 6);
        Assert.Equal(0.0025f, r1.State.Slots[1][1], 6);
    }

    [Fact]
    public void Model_weights_round_trip_through_bytes_and_hash()
    {
        var w = new ModelWeights([1.5f, -2f, float.Epsilon]);
        var back = ModelWeights.FromBytes(w.ToBytes());
        Assert.Equal(w.Values, back.Values);
        Assert.Equal(w.Sha256(), back.Sha256());
        Assert.NotEqual(w.Sha256(), new ModelWeights([1.5f, -2f, 0]).Sha256());
        Assert.Throws<ArgumentException>(() => ModelWeights.FromBytes([1, 2, 3]));
    }

    [Fact]
    public void Non_finite_weights_are_detected()
    {
        Assert.True(new ModelWeights([1f, -2f]).IsFinite());
        Assert.False(new ModelWeights([1f, float.NaN]).IsFinite());
        Assert.False(new ModelWeights([float.NegativeInfinity]).IsFinite());
    }
}
