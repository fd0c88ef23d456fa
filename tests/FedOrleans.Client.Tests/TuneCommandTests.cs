namespace FedOrleans.Client.Tests;

public sealed class TuneCommandTests
{
    [Fact]
    public async Task Tune_runs_a_small_study_on_an_embedded_silo_and_writes_its_trials()
    {
        var folder = Cli.TempFolder();
        File.WriteAllText(Path.Combine(folder, "karate.yaml"), """
            name: karate
            seed: 1
            rounds: 2
            graph: { dataset: karate, train_fraction: 0.3, second_steps: 2 }
            federation: { clients: 2, partition: random }
            model: { kind: gcn, hidden: 8 }
            train: { epochs: 3, optimizer: adam, lr: 0.01 }
            strategy: { kind: asfgnn, fraction_fit: 1.0, min_fit_clients: 2 }
            """);
        File.WriteAllText(Path.Combine(folder, "study.yaml"), """
            name: karate-study
            experiment: karate.yaml
            optimizer: bayesian
            trials: 3
            parallel: 2
            initial_random: 2
            space:
              train.lr: { kind: log-uniform, low: 1.0e-3, high: 0.1 }
              graph.beta: { kind: uniform, low: 0.0, high: 1.0 }
            """);
        var outcome = await Cli.RunAsync(folder, "tune", "study.yaml");
        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        Assert.Contains("best trial", outcome.Output);
        var trials = File.ReadAllLines(Path.Combine(folder, "results", "karate-study", "trials.csv"));
        Assert.Equal(4, trials.Length);
        Assert.StartsWith("finished,trial,phase,validation_accuracy,test_accuracy,best_so_far", trials[0]);
        Assert.All(trials.Skip(1), line => Assert.Contains("Completed", line));

        var bad = await Cli.RunAsync(folder, "tune", "study.yaml", "--set", "optimizer=grid", "--id", "other");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("optimizer", bad.Output);
    }
}
