namespace FedOrleans.Client.Tests;

public sealed class EvalEmbedCommandTests
{
    [Fact]
    public async Task Eval_embed_scores_a_checkpoint_and_writes_json_and_markdown()
    {
        var folder = Cli.TempFolder();
        var id = $"t-eval-{Guid.NewGuid().ToString("N")[..8]}";
        var pretrain = await Cli.RunAsync(folder, "pretrain", Path.Combine(Cli.RepositoryRoot, "experiments", "pretrain-nano.yaml"), "--id", id,
            "--set", "pretrain.steps=1", "--set", "checkpoint_every=1", "--set", "pretrain.eval_every=1", "--set", "pretrain.corpus=[moby-dick]",
            "--set", "pretrain.batch_size=2", "--set", "pretrain.sequence_length=16", "--set", "pretrain.validation_batches=1", "--set", "gpu=none");
        Assert.True(pretrain.ExitCode == 0, pretrain.ToString());
        using var job = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "results", id, "job.json")));
        var checkpoint = job.RootElement.GetProperty("checkpoint").GetString()!;

        // A miniature STS layout: one file a year, four scored pairs and one unscored line each.
        var sts = Path.Combine(folder, "sts");
        foreach (var year in new[] { "2012", "2013", "2014" })
        {
            Directory.CreateDirectory(Path.Combine(sts, year));
            File.WriteAllLines(Path.Combine(sts, year, "tiny.test.tsv"),
            [
                "5.0\tA man is playing a guitar.\tA man plays the guitar.",
                "3.2\tThe whale swam away.\tA whale was swimming.",
                "\tunscored\tline",
                "0.4\tThe ship sank.\tThe senator gave a speech.",
                "1.0\tCall me Ishmael.\tThe cat sat on the mat.",
            ]);
        }
        var output = Path.Combine(folder, "eval");
        var run = await Cli.RunAsync(folder, "eval-embed", checkpoint, "--method", "mean", "--method", "last", "--sts", sts,
            "--genre-pieces", "1", "--folds", "2", "--ppl-batches", "1", "--corpus", "moby-dick", "--threads", "1", "--out", output);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("STS: 3 files, 12 scored pairs", run.Output);
        Assert.Contains("held-out perplexity", run.Output);
        Assert.True(File.Exists(Path.Combine(output, "eval.json")));
        var markdown = File.ReadAllText(Path.Combine(output, "eval.md"));
        Assert.Contains("| mean |", markdown);
        Assert.Contains("| last |", markdown);
        Assert.Contains("2014/tiny.test", markdown);

        var unknown = await Cli.RunAsync(folder, "eval-embed", checkpoint, "--method", "cls", "--sts", sts);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("--method must be one or more of", unknown.Output);
    }
}
