using FedOrleans.Contracts;
using FedOrleans.Models.Data;
using FedOrleans.Models.Llm;
using FedOrleans.Models.Torch;
using Orleans.Core.Internal;

namespace FedOrleans.Grains.Tests;

/// <summary>Fine-tuning jobs as grains: a GEM job that survives the deactivation of its grain and continues exactly from its checkpoint.</summary>
public sealed class LanguageModelJobTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    /// <summary>A nano Llama with GPT-2's vocabulary, saved as a Hugging Face folder: the base a GEM job starts from.</summary>
    private static string NanoBase()
    {
        var folder = Directory.CreateTempSubdirectory("fedorleans-gem-base-").FullName;
        TorchRuntime.EnsureThreadConfigured();
        using var model = new LlamaForCausalLM(LlamaConfig.FromPreset(LlamaPreset.Nano, Gpt2Tokenizer.BaseVocabularySize) with { TieWordEmbeddings = true });
        model.Initialize(3);
        LlamaCheckpoint.Save(model, folder);
        return folder;
    }

    private static string GemSpec(string name, string baseFolder) => $"""
        name: {name}
        kind: gem
        seed: 4
        checkpoint_every: 4
        report_every: 2
        gem: {"{"} base: '{baseFolder}', corpus: [moby-dick], iterations: 12, ntp_iterations: 4, batch_size: 4, text_tokens: 16, max_length: 40, contrastive_lr: 0.001 {"}"}
        """;

    [Fact]
    public async Task A_gem_job_survives_the_deactivation_of_its_grain_and_continues_exactly_from_its_checkpoint()
    {
        await new DatasetFetcher(DataCache.Default).EnsureAsync(DatasetName.MobyDick);
        var baseFolder = NanoBase();
        var registry = fixture.Client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.Key);

        var id = Specs.Id("gem-job");
        var started = await registry.StartAsync(id, GemSpec("gem-job", baseFolder));
        Assert.Equal(ExperimentPhase.Running, started.Phase);
        var job = (await registry.FindAsync(id))!;
        var mid = await job.WaitForAsync(5, Specs.Patience);
        Assert.True(mid.Step >= 5 && mid.CheckpointStep >= 4, $"{mid.Phase} at step {mid.Step}, checkpoint {mid.CheckpointStep}: {mid.Error}");
        Assert.True(mid.Step < 12, "the job finished before it could be interrupted; give it more iterations");

        await job.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        // The next call activates the grain again; it resumes from the checkpoint it wrote while deactivating.
        var final = await job.WaitForAsync(int.MaxValue, Specs.Patience);
        Assert.True(final.Phase == ExperimentPhase.Completed, $"{final.Phase}: {final.Error}");
        Assert.Equal(1, final.Resumes);
        Assert.Equal(12, final.Step);
        Assert.Equal(Enumerable.Range(1, 6).Select(i => 2 * i), final.History.Select(p => p.Step));
        Assert.True(File.Exists(Path.Combine(final.CheckpointFolder, "model.safetensors")));
        Assert.True(File.Exists(Path.Combine(final.CheckpointFolder, "gem_state.json")));

        // The same job without the interruption reports the same losses and logit scales, step for step.
        var straightId = Specs.Id("gem-straight");
        await registry.StartAsync(straightId, GemSpec("gem-job", baseFolder));
        var straight = await (await registry.FindAsync(straightId))!.WaitForAsync(int.MaxValue, Specs.Patience);
        Assert.Equal(ExperimentPhase.Completed, straight.Phase);
        Assert.Equal(0, straight.Resumes);
        Assert.Equal(straight.History.Select(p => (p.Step, p.Loss, p.Metric)), final.History.Select(p => (p.Step, p.Loss, p.Metric)));
    }

    [Fact]
    public async Task A_bad_job_spec_or_a_missing_base_is_refused_with_a_clear_message()
    {
        var registry = fixture.Client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.Key);
        var bad = await Assert.ThrowsAnyAsync<Exception>(() => registry.StartAsync(Specs.Id("bad-job"), "name: bad\nkind: gem\ngem: { iterations: 0, corpus: [mnist] }\n"));
        Assert.Contains("gem.base", bad.Message);
        Assert.Contains("gem.iterations", bad.Message);
        Assert.Contains("'mnist' is not a text corpus", bad.Message);

        var missing = await Assert.ThrowsAnyAsync<Exception>(() => registry.StartAsync(Specs.Id("no-base"), GemSpec("no-base", "/nonexistent/base")));
        Assert.Contains("no checkpoint (config.json) in '/nonexistent/base'", missing.Message);
        Assert.Null(await registry.FindAsync("never-started"));
    }

    [Fact]
    public async Task A_federated_adapter_experiment_moves_and_averages_the_adapter_only()
    {
        await new DatasetFetcher(DataCache.Default).EnsureAsync(DatasetName.StateOfTheUnion);
        var baseFolder = NanoBase();
        var id = Specs.Id("fed-adapter");
        var grain = fixture.Client.GetGrain<IExperimentGrain>(id);
        await grain.StartAsync($"""
            name: fed-adapter
            seed: 3
            rounds: 2
            adapter: {"{"} base: '{baseFolder}', task: sotu, adapter: lora, rank: 2 {"}"}
            federation: {"{"} clients: 3, partition: iid {"}"}
            train: {"{"} epochs: 1, batch_size: 16, lr: 0.01 {"}"}
            strategy: {"{"} kind: fedavg, fraction_fit: 1.0, min_fit_clients: 3, min_results: 3 {"}"}
            """);
        var status = await grain.WaitForAsync(int.MaxValue, Specs.Patience);
        Assert.True(status.Phase == ExperimentPhase.Completed, $"{status.Phase} after {status.CompletedRounds} rounds ({status.ElapsedSeconds:F1} s): {status.Error}; last round: {status.LastRound}");
        var report = await grain.GetReportAsync();
        Assert.All(report.Rounds, r => Assert.InRange(r.TestAccuracy, 0.0, 1.0));
        Assert.All(report.Rounds, r => Assert.Equal(3, r.Received));

        // The global model is the adapter: LoRA rank 2 on every FFN projection, not the 3.3M-parameter base.
        TorchRuntime.EnsureThreadConfigured();
        using var model = LlamaCheckpoint.Load(baseFolder);
        using var adapters = Models.Adapters.ModelAdapters.Apply(model, new Models.Adapters.LoraSettings(2, 4), Models.Adapters.AdapterTargets.Ffn, 0);
        long adapterCount = adapters.TrainableParameterCount();
        Assert.Equal(adapterCount * sizeof(float), report.FinalWeights.Length);
        Assert.True(adapterCount * 100 < model.Config.ParameterCount, $"{adapterCount} adapter parameters against {model.Config.ParameterCount} in the base");
        var clients = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => fixture.Client.GetGrain<IClientGrain>(GrainKeys.Client(id, i)).GetInfoAsync()));
        Assert.All(clients, c => Assert.True(c.ShardSize > 0 && c.Fits == 2, $"client {c.Index}: {c.ShardSize} examples, {c.Fits} fits"));
    }
}
