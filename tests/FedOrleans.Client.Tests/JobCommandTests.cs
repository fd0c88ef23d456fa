using System.Globalization;
using System.Text.Json;

namespace FedOrleans.Client.Tests;

/// <summary>The console's cluster jobs end to end (embedded silo): pretrain, finetune gem on its checkpoint, embed, generate.</summary>
public sealed class JobCommandTests
{

    [Fact]
    public async Task Pretrain_then_gem_then_embed_and_generate_run_as_cluster_jobs_and_write_results()
    {
        var folder = Cli.TempFolder();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var pretrainId = $"t-pre-{suffix}";
        var gemId = $"t-gem-{suffix}";

        var pretrain = await Cli.RunAsync(folder, "pretrain", Path.Combine(Cli.RepositoryRoot, "experiments", "pretrain-nano.yaml"), "--id", pretrainId,
            "--set", "pretrain.steps=6", "--set", "checkpoint_every=3", "--set", "report_every=2", "--set", "pretrain.eval_every=3",
            "--set", "pretrain.batch_size=2", "--set", "pretrain.sequence_length=16", "--set", "pretrain.validation_batches=1", "--set", "gpu=none");
        Assert.True(pretrain.ExitCode == 0, pretrain.ToString());
        Assert.Contains("step 6/6", pretrain.Output);
        using var pretrainJob = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "results", pretrainId, "job.json")));
        Assert.Equal("Completed", pretrainJob.RootElement.GetProperty("phase").GetString());
        Assert.True(pretrainJob.RootElement.GetProperty("lastMetric").GetDouble() > 1, "validation perplexity is reported");
        var steps = File.ReadAllLines(Path.Combine(folder, "results", pretrainId, "steps.csv"));
        Assert.Equal(["step", "2", "3", "4", "6"], steps.Select(l => l.Split(',')[0]));
        Assert.True(new FileInfo(Path.Combine(folder, "results", pretrainId, "loss.png")).Length > 1000);

        var gem = await Cli.RunAsync(folder, "finetune", "gem", Path.Combine(Cli.RepositoryRoot, "experiments", "gem-nano.yaml"), "--id", gemId,
            "--set", $"gem.base=job:{pretrainId}", "--set", "gem.iterations=4", "--set", "gem.ntp_iterations=2", "--set", "gem.batch_size=3",
            "--set", "gem.text_tokens=12", "--set", "gem.max_length=30", "--set", "gem.corpus=[moby-dick]", "--set", "report_every=1", "--set", "gpu=none");
        Assert.True(gem.ExitCode == 0, gem.ToString());
        Assert.Contains("logit scale", gem.Output);
        using var gemJob = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "results", gemId, "job.json")));
        var checkpoint = gemJob.RootElement.GetProperty("checkpoint").GetString()!;
        Assert.True(File.Exists(Path.Combine(checkpoint, "model.safetensors")));

        var vectors = Path.Combine(folder, "vectors.csv");
        var embed = await Cli.RunAsync(folder, "embed", checkpoint, "--text", "Call me Ishmael.", "--text", "The whale surfaced.", "--text", "Taxes rose again.", "--out", vectors);
        Assert.True(embed.ExitCode == 0, embed.ToString());
        Assert.Contains("3 vectors of 64 (gem)", embed.Output);
        Assert.Contains("cosine similarities:", embed.Output);
        var rows = File.ReadAllLines(vectors);
        Assert.Equal(3, rows.Length);
        Assert.All(rows, r => Assert.Equal(64, r.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).Count(double.IsFinite)));

        var generate = await Cli.RunAsync(folder, "generate", checkpoint, "--prompt", "Call me", "--max-tokens", "5");
        Assert.True(generate.ExitCode == 0, generate.ToString());
        Assert.Contains("Call me", generate.Output);

        // Adapter fine-tuning (S'MoRE) of the frozen pre-trained checkpoint: only the adapter is checkpointed.
        var smoreId = $"t-smore-{suffix}";
        var smore = await Cli.RunAsync(folder, "finetune", "smore", Path.Combine(Cli.RepositoryRoot, "experiments", "smore-nano.yaml"), "--id", smoreId,
            "--set", $"smore.base=job:{pretrainId}", "--set", "smore.task=sotu", "--set", "smore.epochs=1", "--set", "smore.batch_size=32",
            "--set", "report_every=1", "--set", "gpu=none");
        Assert.True(smore.ExitCode == 0, smore.ToString());
        using var smoreJob = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "results", smoreId, "job.json")));
        Assert.InRange(smoreJob.RootElement.GetProperty("lastMetric").GetDouble(), 0.0, 1.0);
        Assert.True(smoreJob.RootElement.GetProperty("parameters").GetInt64() > 0);
        var adapterFolder = smoreJob.RootElement.GetProperty("checkpoint").GetString()!;
        Assert.True(File.Exists(Path.Combine(adapterFolder, "adapters.safetensors")));
        Assert.False(File.Exists(Path.Combine(adapterFolder, "model.safetensors")), "an adapter job saves the adapter, never the base");

        // The same adapter, federated: two clients fine-tune it on their share of the task, the experiment averages it.
        var fedId = $"t-fed-{suffix}";
        var federated = await Cli.RunAsync(folder, "run", Path.Combine(Cli.RepositoryRoot, "experiments", "smore-federated.yaml"), "--id", fedId,
            "--set", $"adapter.base=job:{pretrainId}", "--set", "adapter.task=sotu", "--set", "adapter.adapter=lora", "--set", "adapter.rank=2",
            "--set", "rounds=1", "--set", "federation.clients=2", "--set", "strategy.min_fit_clients=2", "--set", "strategy.min_results=2");
        Assert.True(federated.ExitCode == 0, federated.ToString());
        var clientsCsv = File.ReadAllLines(Path.Combine(folder, "results", fedId, "clients.csv"));
        Assert.Equal("client,examples,Republican,Democratic", clientsCsv[0]);
        Assert.Equal(3, clientsCsv.Length);

        var wrongKind = await Cli.RunAsync(folder, "pretrain", Path.Combine(Cli.RepositoryRoot, "experiments", "gem-nano.yaml"));
        Assert.Equal(2, wrongKind.ExitCode);
        Assert.Contains("fedorleans finetune gem", wrongKind.Output);
        var noBase = await Cli.RunAsync(folder, "embed", Path.Combine(folder, "missing"), "--text", "x");
        Assert.Equal(2, noBase.ExitCode);
        Assert.Contains("missing", noBase.Output);

        foreach (var id in new[] { pretrainId, gemId, smoreId })
        {
            Directory.Delete(Path.Combine(Path.GetDirectoryName(checkpoint)!, id), recursive: true);
        }
    }
}
