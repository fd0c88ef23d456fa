using FedOrleans.Models.Data;
using FedOrleans.Models.Llm;
using FedOrleans.Models.Llm.Pretraining;
using FedOrleans.Models.Torch;
using static TorchSharp.torch;

namespace FedOrleans.Models.Tests;

public sealed class PretrainingTests
{
    [Fact]
    public async Task Text_corpora_load_as_plain_text_documents()
    {
        await TestData.EnsureAsync(DatasetName.MobyDick);
        await TestData.EnsureAsync(DatasetName.BrownCorpus);
        var moby = TextCorpus.Load(DatasetName.MobyDick, TestData.Cache);
        Assert.Equal(138, moby.Count);
        Assert.Equal("etymology", moby[0].Id);
        Assert.StartsWith("CHAPTER 1. Loomings.", moby[2].Text);
        Assert.Contains("Call me Ishmael.", moby[2].Text);
        Assert.Equal("epilogue", moby[^1].Id);
        var brown = TextCorpus.Load(DatasetName.BrownCorpus, TestData.Cache);
        Assert.Equal(500, brown.Count);
        Assert.Equal("ca01", brown[0].Id);
        Assert.StartsWith("The Fulton County Grand Jury said Friday an investigation of Atlanta's recent primary election produced \"no evidence\" that any irregularities took place.", brown[0].Text);
        Assert.DoesNotContain("/nn", brown[0].Text);
        await TestData.EnsureAsync(DatasetName.StateOfTheUnion);
        var sotu = TextCorpus.Load(DatasetName.StateOfTheUnion, TestData.Cache);
        Assert.Equal(233, sotu.Count);
        Assert.Equal("1790_george_washington_n", sotu[0].Id);
        Assert.StartsWith("Fellow-Citizens of the Senate and House of Representatives:", sotu[0].Text);
    }

    [Fact]
    public async Task A_short_pretraining_run_on_real_text_lowers_validation_perplexity()
    {
        TorchRuntime.EnsureThreadConfigured();
        var corpus = await MobyDickTokens();
        using var model = new LlamaForCausalLM(LlamaConfig.FromPreset(LlamaPreset.Nano, Gpt2Tokenizer.BaseVocabularySize) with { TieWordEmbeddings = true });
        model.Initialize(seed: 1);
        var settings = new PretrainingSettings(Steps: 40, BatchSize: 8, SequenceLength: 64, PeakLearningRate: 1e-2, WarmupSteps: 4,
            MinLearningRate: 1e-3, EvaluateEvery: 20, ValidationBatches: 4);
        using var trainer = new LanguageModelTrainer(model, settings, corpus.Train, corpus.Validation);
        double before = trainer.ValidationPerplexity();
        var reports = trainer.Run();
        double after = reports[^1].ValidationPerplexity!.Value;
        Console.WriteLine($"Moby-Dick validation perplexity: {before:F1} before, {after:F1} after {settings.Steps} steps");
        Assert.True(after < before / 4, $"validation perplexity {before:F1} -> {after:F1}");
        Assert.Equal(40, reports.Count);
        Assert.NotNull(reports[19].ValidationPerplexity);
        Assert.True(reports.All(r => r.GradientNorm > 0 && double.IsFinite(r.Loss)));
    }

    [Fact]
    public async Task Resuming_from_a_checkpoint_continues_exactly_like_an_uninterrupted_run()
    {
        TorchRuntime.EnsureThreadConfigured();
        var corpus = await MobyDickTokens();
        var config = LlamaConfig.FromPreset(LlamaPreset.Nano, Gpt2Tokenizer.BaseVocabularySize) with { TieWordEmbeddings = true };
        var settings = new PretrainingSettings(Steps: 6, BatchSize: 2, SequenceLength: 16, WarmupSteps: 2, EvaluateEvery: 100, ValidationBatches: 1);
        var folder = Directory.CreateTempSubdirectory("fedorleans-pretrain-").FullName;

        using var straight = new LlamaForCausalLM(config);
        straight.Initialize(seed: 2);
        using (var trainer = new LanguageModelTrainer(straight, settings, corpus.Train, corpus.Validation))
        {
            trainer.Run();
        }

        using (var first = new LlamaForCausalLM(config))
        {
            first.Initialize(seed: 2);
            using var trainer = new LanguageModelTrainer(first, settings, corpus.Train, corpus.Validation);
            for (int i = 0; i < 3; i++)
            {
                trainer.TrainStep();
            }
            trainer.SaveCheckpoint(folder);
        }
        using var resumed = new LlamaForCausalLM(config);
        using (var trainer = new LanguageModelTrainer(resumed, settings, corpus.Train, corpus.Validation))
        {
            trainer.Resume(folder);
            Assert.Equal(3, trainer.Step);
            trainer.Run();
        }
        foreach (var ((name, a), (_, b)) in straight.named_parameters().Zip(resumed.named_parameters()))
        {
            Assert.True(a.allclose(b, rtol: 0, atol: 0), name);
        }
    }

    [Fact]
    public void Greedy_and_top_k_generation_follow_the_logits()
    {
        TorchRuntime.EnsureThreadConfigured();
        using var model = new LlamaForCausalLM(LlamaConfig.FromPreset(LlamaPreset.Nano));
        model.Initialize(seed: 3);
        int[] prompt = [5, 6, 7];
        var greedy = TextGenerator.Generate(model, prompt, new GenerationSettings(MaxNewTokens: 6));
        Assert.Equal(6, greedy.Length);
        using (no_grad())
        {
            var context = prompt.Concat(greedy).Select(t => (long)t).ToArray();
            var logits = model.call(tensor(context, [1, context.Length]), null);
            var argmax = logits[0].argmax(-1).data<long>().ToArray();
            for (int i = 0; i < greedy.Length; i++)
            {
                Assert.Equal(argmax[prompt.Length - 1 + i], greedy[i]);
            }
        }
        Assert.Equal(greedy, TextGenerator.Generate(model, prompt, new GenerationSettings(MaxNewTokens: 6, Temperature: 1.0, TopK: 1)));
        var sampled = TextGenerator.Generate(model, prompt, new GenerationSettings(MaxNewTokens: 6, Temperature: 1.5, TopK: 5, Seed: 4));
        Assert.Equal(sampled, TextGenerator.Generate(model, prompt, new GenerationSettings(MaxNewTokens: 6, Temperature: 1.5, TopK: 5, Seed: 4)));
        var logitsForChoice = Enumerable.Range(0, 10).Select(i => (float)i).ToArray();
        var random = new Random(1);
        for (int n = 0; n < 100; n++)
        {
            Assert.InRange(TextGenerator.Choose(logitsForChoice, new GenerationSettings(Temperature: 2.0, TopK: 3), random), 7, 9);
        }
        Assert.Equal([greedy[0]], TextGenerator.Generate(model, prompt, new GenerationSettings(MaxNewTokens: 6, StopToken: greedy[0])));
    }

    private static async Task<TokenCorpus> MobyDickTokens()
    {
        await TestData.EnsureAsync(DatasetName.MobyDick);
        var documents = TextCorpus.Load(DatasetName.MobyDick, TestData.Cache);
        return TokenCorpus.FromDocuments(documents.Take(60).ToList(), Gpt2Tokenizer.Create(), validationEvery: 10);
    }
}
