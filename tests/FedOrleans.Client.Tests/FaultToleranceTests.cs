using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace FedOrleans.Client.Tests;

/// <summary>
/// Silo processes with Redis membership, storage and reminders (a real redis-server on loopback), the console
/// as another process, and a silo killed with SIGKILL in the middle of the work. An experiment must finish
/// with every round and the very weights of an uninterrupted run of the same spec and seed, whether the
/// killed silo ran its coordinator or only clients; a pre-training job must resume on the other silo from
/// its last checkpoint, redo the steps after it, and end with the weights of an uninterrupted job.
/// Each case prints its B6 figures (docs/benchmarks.md): seconds from the kill to the end, and whether the
/// final weights matched.
/// </summary>
public sealed class FaultToleranceTests(UninterruptedExperiment uninterrupted) : IClassFixture<UninterruptedExperiment>
{
    private const int Rounds = UninterruptedExperiment.Rounds;

    [Fact]
    public async Task Killing_the_coordinators_silo_mid_experiment_loses_no_round_and_ends_with_the_uninterrupted_weights()
    {
        var (outcome, folder, _) = await KillMidExperimentAsync("killed-coordinator", "the coordinator's silo", (coordinator, _) => coordinator);

        Assert.Contains("resumed after round", outcome.Output);
        Assert.True(UninterruptedExperiment.ReadSummary(folder).Resumes >= 1, "the coordinator should have resumed on another silo");
    }

    [Fact]
    public async Task Killing_a_silo_that_holds_only_clients_loses_no_round_and_ends_with_the_uninterrupted_weights()
    {
        var (_, folder, coordinator) = await KillMidExperimentAsync("killed-clients", "a silo with clients only",
            (coordinator, silos) => silos.First(s => s != coordinator));

        // No resume is needed here, but one may happen: once in a loaded run of the whole suite the coordinator resumed
        // (Resumes = 1) although its silo lived, likely because the killed silo held the grain-directory entry of the
        // coordinator, so Orleans activated it anew and the old activation stepped down. What must hold either way is
        // checked above: rounds 1..12 and the uninterrupted run's final weights.
        Assert.InRange(UninterruptedExperiment.ReadSummary(folder).Resumes, 0, 1);
        // The killed silo held clients (placed at random: about a third of 30) whose fits were lost with it and redone elsewhere.
        // Either the cluster already knew the silo was dead (SiloUnavailableException) or the send was rejected first.
        Assert.Contains("lost with its silo", coordinator.Output);
    }

    /// <summary>
    /// Runs the fault tests' experiment on three silos, SIGKILLs the silo <paramref name="victim"/> picks (from the
    /// coordinator's silo and all three) after round 2, and checks that the experiment completes with rounds
    /// 1..12 and the uninterrupted run's final weights.
    /// </summary>
    private async Task<(Cli.Outcome Console, string Results, Cli.Running Coordinator)> KillMidExperimentAsync(
        string id, string what, Func<Cli.Running, IReadOnlyList<Cli.Running>, Cli.Running> victim)
    {
        var folder = Cli.TempFolder();
        await using var cluster = await RedisCluster.StartAsync(folder, 3);
        var spec = UninterruptedExperiment.WriteSpec(folder, id);
        await using var console = Cli.Start(folder, "run", spec, "--cluster", cluster.Address);
        await WithinAsync(console.WaitForOutputAsync($"round 2/{Rounds}"), $"{id}: waiting for round 2 before the kill",
            () => $"console:\n{console.Output}\n{cluster.Outputs()}");

        var coordinator = cluster.SiloThatLogged($"{id} starts");
        var killed = victim(coordinator, cluster.Silos);
        var afterKill = Stopwatch.StartNew();
        killed.Signal("KILL");
        var outcome = await console.WaitAsync(Cli.Patience);
        double seconds = afterKill.Elapsed.TotalSeconds;

        Assert.True(outcome.ExitCode == 0, $"the experiment should complete after losing {what}; console:\n{outcome}\n{cluster.Outputs()}");
        var results = Path.Combine(folder, "results", id);
        var (rounds, _, sha256, failures) = UninterruptedExperiment.ReadSummary(results);
        Assert.Equal(Enumerable.Range(1, Rounds), rounds);
        var expected = await uninterrupted.FinalWeightsSha256;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"B6 killed {what} (SIGKILL after round 2 of {Rounds}, 3 silos, 30 clients): experiment finished {seconds:F1} s after the kill; final weights {(sha256 == expected ? "EQUAL to" : "DIFFERENT from")} the uninterrupted run's ({sha256[..16]}... vs {expected[..16]}...)"));
        Assert.True(failures.Length == 0, $"no client should fail because a silo was lost: {failures}");
        Assert.True(sha256 == expected, $"final weights after losing {what}: {sha256}; uninterrupted run: {expected}");
        return (outcome, results, coordinator);
    }

    private const int JobSteps = 24;
    private const int CheckpointEvery = 8;

    [Fact]
    public async Task Killing_the_silo_of_a_pretraining_job_between_checkpoints_resumes_it_on_the_other_silo_from_the_last_checkpoint()
    {
        var folder = Cli.TempFolder();
        var jobs = Path.Combine(folder, "jobs");
        await using var cluster = await RedisCluster.StartAsync(folder, 2, "--jobs", jobs);
        string[] pretrain = ["pretrain", Path.Combine(Cli.RepositoryRoot, "experiments", "pretrain-nano.yaml"), "--cluster", cluster.Address,
            "--set", $"pretrain.steps={JobSteps}", "--set", $"checkpoint_every={CheckpointEvery}", "--set", "report_every=1", "--set", $"pretrain.eval_every={JobSteps}",
            "--set", "pretrain.batch_size=2", "--set", "pretrain.sequence_length=16", "--set", "pretrain.validation_batches=1", "--set", "gpu=none"];

        var straight = await Cli.RunAsync(folder, [.. pretrain, "--id", "pretrain-straight"]);
        Assert.True(straight.ExitCode == 0, $"the uninterrupted job failed:\n{straight}\n{cluster.Outputs()}");

        const string id = "pretrain-killed";
        await using var console = Cli.Start(folder, [.. pretrain, "--id", id]);
        // Registered before the kill: a waiter sees only the lines printed after it.
        var resumed = cluster.Silos.ToDictionary(s => s, s => s.WaitForOutputAsync($"job {id} resumes from its checkpoint"));
        var completed = cluster.Silos.ToDictionary(s => s, s => s.WaitForOutputAsync($"job {id} Completed at step {JobSteps}"));
        await WithinAsync(console.WaitForOutputAsync($"step {CheckpointEvery + 2}/{JobSteps}"), $"{id}: waiting for step {CheckpointEvery + 2}, after the first checkpoint",
            () => $"console:\n{console.Output}\n{cluster.Outputs()}");

        var host = cluster.SiloThatLogged($"job {id} starts");
        var survivor = cluster.Silos.Single(s => s != host);
        int printedBeforeKill = Regex.Matches(console.Output, $@"^step (\d+)/{JobSteps}", RegexOptions.Multiline).Max(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        var afterKill = Stopwatch.StartNew();
        host.Signal("KILL");
        // The console keeps asking through the loss (or the job's reminder revives it): it resumes on the surviving silo.
        await WithinAsync(resumed[survivor], $"{id}: waiting for the job to resume on the surviving silo", () => cluster.Outputs());
        await WithinAsync(completed[survivor], $"{id}: waiting for the resumed job to complete", () => cluster.Outputs());
        double seconds = afterKill.Elapsed.TotalSeconds;

        var resume = Regex.Match(survivor.Output, $@"job {id} resumes from its checkpoint at step (\d+) \(resume (\d+)\)");
        int resumeStep = int.Parse(resume.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.Equal("1", resume.Groups[2].Value);
        Assert.True(resumeStep >= CheckpointEvery && resumeStep % CheckpointEvery == 0 && resumeStep < printedBeforeKill,
            $"the job should resume from its last checkpoint (a multiple of {CheckpointEvery}) before step {printedBeforeKill}, which it had reached before the kill, and redo the steps after it; it resumed at step {resumeStep}");
        var expected = Sha256(Path.Combine(jobs, "pretrain-straight", "model.safetensors"));
        var actual = Sha256(Path.Combine(jobs, id, "model.safetensors"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"B6 killed a pre-training job's silo (SIGKILL at step {printedBeforeKill} of {JobSteps}, checkpoints every {CheckpointEvery}, 2 silos): resumed from step {resumeStep} on the other silo, completed {seconds:F1} s after the kill; final model.safetensors {(actual == expected ? "EQUAL to" : "DIFFERENT from")} the uninterrupted job's ({actual[..16]}... vs {expected[..16]}...)"));
        Assert.True(actual == expected, $"final weights of the resumed job: {actual}; uninterrupted job: {expected}");
        var followed = await console.WaitAsync(Cli.Patience);
        Assert.True(followed.ExitCode == 0, $"the console should follow the job through the loss of its silo:\n{followed}");
        Assert.Contains("job resumed from its checkpoint", followed.Output);
    }

    private static async Task WithinAsync(Task awaited, string phase, Func<string> state)
    {
        try
        {
            await awaited.WaitAsync(Cli.Patience);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{phase}: not done within {Cli.Patience}\n{state()}");
        }
    }

    private static string Sha256(string file)
    {
        Assert.True(File.Exists(file), $"no {file}");
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
