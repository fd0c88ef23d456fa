using FedOrleans.Contracts;
using Orleans.Core.Internal;

namespace FedOrleans.Grains.Tests;

public sealed class TunerClusterTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private const string Experiment = """
        name: tune-karate
        seed: 2
        rounds: 40
        graph: { dataset: karate, train_fraction: 0.3, second_steps: 2 }
        federation: { clients: 2, partition: random }
        model: { kind: gcn, hidden: 8 }
        train: { epochs: 3, optimizer: adam, lr: 0.01 }
        strategy: { kind: asfgnn, fraction_fit: 1.0, min_fit_clients: 2 }
        round_timeout_s: 300
        """;

    private static string Study(string optimizer) => $$"""
        name: karate-study
        experiment: unused-by-the-grain.yaml
        seed: 4
        optimizer: {{optimizer}}
        trials: 5
        parallel: 2
        initial_random: 2
        space:
          train.lr: { kind: log-uniform, low: 1.0e-3, high: 0.1 }
          model.activation: { kind: categorical, choices: [relu, tanh] }
          graph.beta: { kind: uniform, low: 0.0, high: 1.0 }
          model.hidden: { kind: integer, low: 4, high: 16 }
        """;

    [Theory]
    [InlineData("bayesian")]
    [InlineData("random")]
    public async Task A_study_runs_every_trial_as_an_experiment_and_survives_deactivation(string optimizer)
    {
        var id = Specs.Id($"study-{optimizer}")[..30];
        var tuner = fixture.Client.GetGrain<ITunerGrain>(id);
        var started = await tuner.StartAsync(Study(optimizer), Experiment);
        Assert.Equal(ExperimentPhase.Running, started.Phase);
        Assert.Equal(ExperimentPhase.Running, (await tuner.StartAsync(Study(optimizer), Experiment)).Phase);   // idempotent for the same texts

        var first = await tuner.WaitForAsync(1, Specs.Patience);
        Assert.True(first.Finished >= 1, $"phase {first.Phase}, {first.Finished} finished, error {first.Error}");
        // (Each trial runs 40 rounds so that the study is still running when it is deactivated, even on a fast machine.)
        await tuner.AsReference<IGrainManagementExtension>().DeactivateOnIdle();

        var status = await tuner.WaitForAsync(5, TimeSpan.FromMinutes(5));
        for (int i = 0; i < 10 && !status.IsFinished; i++)
        {
            status = await tuner.WaitForAsync(5, TimeSpan.FromMinutes(1));
        }
        Assert.Equal(ExperimentPhase.Completed, status.Phase);
        Assert.True(status.Resumes >= 1, "the study should have resumed after its deactivation");
        Assert.Equal(5, status.Trials.Count);
        Assert.Equal(5, status.Trials.Select(t => t.ExperimentId).Distinct().Count());
        Assert.All(status.Trials, t => Assert.Equal(ExperimentPhase.Completed, t.Phase));
        Assert.All(status.Trials, t => Assert.InRange(t.ValidationAccuracy, 0, 1));
        Assert.All(status.Trials, t => Assert.Equal(4, t.Overrides.Count));
        Assert.Equal(status.Trials.Max(t => t.ValidationAccuracy), status.Best!.ValidationAccuracy);
        var curve = status.Trials.OrderBy(t => t.FinishOrder).Select(t => t.BestSoFar).ToList();
        Assert.Equal(curve.Order(), curve);

        // Each trial is a real experiment whose spec carries the trial's overrides.
        var trial = status.Trials[3];
        var spec = await fixture.Client.GetGrain<IExperimentGrain>(trial.ExperimentId).GetSpecAsync();
        var lr = trial.Overrides.Single(o => o.StartsWith("train.lr=", StringComparison.Ordinal))["train.lr=".Length..];
        Assert.Contains($"lr: {lr}", spec);

        await Assert.ThrowsAsync<IdInUseException>(() => tuner.StartAsync(Study(optimizer).Replace("trials: 5", "trials: 6"), Experiment));
    }

    [Fact]
    public async Task A_study_with_a_wrong_parameter_path_is_refused()
    {
        var tuner = fixture.Client.GetGrain<ITunerGrain>(Specs.Id("bad-study")[..20]);
        var e = await Assert.ThrowsAsync<SpecRefusedException>(() => tuner.StartAsync(Study("random").Replace("graph.beta", "graph.betta"), Experiment));
        Assert.Contains("graph.betta", e.Message);
    }
}
