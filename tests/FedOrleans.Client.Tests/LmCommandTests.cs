namespace FedOrleans.Client.Tests;

public sealed class LmCommandTests
{
    [Fact]
    public async Task Lm_pretrain_writes_a_resumable_checkpoint_that_lm_generate_continues()
    {
        var folder = Cli.TempFolder();
        var output = Path.Combine(folder, "lm");
        string[] common = ["--corpus", "moby-dick", "--batch", "2", "--length", "16", "--eval-every", "2", "--threads", "1", "--out", output];
        var first = await Cli.RunAsync(folder, ["lm", "pretrain", "--steps", "2", .. common]);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("validation perplexity", first.Output);
        foreach (var file in new[] { "config.json", "model.safetensors", "optimizer.safetensors", "trainer_state.json" })
        {
            Assert.True(File.Exists(Path.Combine(output, file)), file);
        }

        var resumed = await Cli.RunAsync(folder, ["lm", "pretrain", "--steps", "4", "--resume", .. common]);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains("at step 2", resumed.Output);
        Assert.Contains("step 4/4", resumed.Output);

        var generated = await Cli.RunAsync(folder, "lm", "generate", output, "--prompt", "Call me Ishmael.", "--max-tokens", "5", "--threads", "1");
        Assert.True(generated.ExitCode == 0, generated.ToString());
        Assert.StartsWith("Call me Ishmael.", generated.Output.Trim());

        var wrongCorpus = await Cli.RunAsync(folder, "lm", "pretrain", "--corpus", "mnist", "--out", output);
        Assert.Equal(2, wrongCorpus.ExitCode);
        Assert.Contains("not a text corpus", wrongCorpus.Output);
    }
}
