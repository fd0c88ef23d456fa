using FedOrleans.Models.Adapters;
using FedOrleans.Models.Adapters.FineTuning;
using FedOrleans.Models.Data;
using FedOrleans.Models.Llm;
using TorchSharp;
using Xunit.Abstractions;

namespace FedOrleans.Models.Tests;

/// <summary>Answer tasks from real labelled texts and a synthetic multi-task set, and the adapter fine-tuner.</summary>
public sealed class AdapterFineTuningTests(ITestOutputHelper output)
{
    private static readonly LlamaConfig Nano = new(48, 32, 64, 2, 4, 2, 8);

    [Fact]
    public void Synthetic_multi_task_is_seeded_and_uses_every_task_and_class()
    {
        var a = AnswerTasks.SyntheticMultiTask(4, 3, 48, 8, 300, 50, 50, 7);
        var b = AnswerTasks.SyntheticMultiTask(4, 3, 48, 8, 300, 50, 50, 7);
        Assert.Equal(a.Train.Select(e => (string.Join(',', e.Prompt), e.Answer)), b.Train.Select(e => (string.Join(',', e.Prompt), e.Answer)));
        Assert.Equal([0, 1, 2, 3], a.Train.Select(e => e.Prompt[0]).Distinct().Order());
        Assert.Equal([0, 1, 2], a.Train.Select(e => e.Answer).Distinct().Order());
        Assert.All(a.Train, e => Assert.All(e.Prompt.Skip(1), t => Assert.InRange(t, 7, 47)));
        Assert.Equal([[4], [5], [6]], a.Choices);
    }

    [Theory]
    [InlineData("smore")]
    [InlineData("lora")]
    [InlineData("mixlora")]
    public void Fine_tuning_learns_the_synthetic_multi_task(string kind)
    {
        IAdapterSettings settings = kind switch
        {
            "smore" => new SmoreSettings([2, 2], [4, 4], [1, 1], [8, 8], 16, GateKind.Switch, Init: SmoreInit.WFinalZero),
            "lora" => new LoraSettings(8, 16),
            _ => new MixLoraSettings(4, 2, 4, 8, GateKind.Switch),
        };
        var task = AnswerTasks.SyntheticMultiTask(4, 3, 48, 1, 2048, 64, 256, 3);
        using var model = NanoBase();
        using var adapters = ModelAdapters.Apply(model, settings, AdapterTargets.Ffn, 9);
        var outcome = AdapterFineTuner.Fit(model, adapters, task, new FineTuneSettings(Epochs: 4, BatchSize: 32, LearningRate: 3e-3, Seed: 1));
        output.WriteLine($"{settings.Describe()}: {outcome.InitialTestAccuracy:F3} -> {outcome.TestAccuracy:F3}, losses {string.Join(", ", outcome.EpochLosses.Select(l => l.ToString("F3")))}");
        Assert.True(outcome.EpochLosses[^1] < outcome.EpochLosses[0], "the training loss falls");
        Assert.True(outcome.TestAccuracy > 0.5, $"test accuracy {outcome.TestAccuracy} (chance 1/3)");
        Assert.Equal(adapters.TrainableParameterCount(), outcome.TrainableParameters);
    }

    [Fact]
    public void Smore_learns_the_suffix_task_at_the_budget_and_learning_rate_of_the_comparison()
    {
        // The real answer tasks' shape: the class is the first token, a shared suffix precedes the answer (issue 13).
        // Before: S'MoRE at the count closest to the LoRA r=16 budget (rank-1 experts behind a 16/8 router) and one
        // learning rate for every method (3e-3) stayed at chance (0.53) where LoRA reached 0.99. Now the comparison
        // gives the experts the budget (largest d_L) and picks each method's learning rate on validation.
        var task = AnswerTasks.SyntheticSuffix(2, 48, 24, 6, 1024, 128, 256, 3);
        var shapes = AdapterComparison.TargetShapes(Nano, AdapterTargets.Ffn);
        long budget = AdapterComparison.Count(new LoraSettings(16, 32), shapes);
        var candidates = from r in Enumerable.Range(1, 8)
                         from router in new[] { (Down: 16, Gate: 8), (Down: 4, Gate: 4) }
                         select (IAdapterSettings)new SmoreSettings([2, 2], [r, 2 * r], [1, 1], [router.Gate, router.Gate], router.Down, GateKind.Switch);
        var settings = AdapterComparison.LargestWithin(candidates, shapes, budget, a => ((SmoreSettings)a).Widths()[^1]);
        var saturated = new Dictionary<double, double>();
        var grid = new List<ComparisonRow>();
        foreach (var lr in new[] { 3e-3, 1e-2 })
        {
            grid.AddRange(AdapterComparison.Run(NanoBase, task, [("S'MoRE (2-2)", settings)], [1],
                new FineTuneSettings(Epochs: 4, BatchSize: 32, LearningRate: lr), AdapterTargets.Ffn,
                inspect: (_, _, stage, model, adapters) =>
                {
                    if (stage == "epoch 4")
                    {
                        var stats = SmoreDiagnostics.Measure(stage, model, adapters, task.Validation, 64).Where(s => s.Layer >= 0).ToList();
                        saturated[lr] = stats.Average(s => s.SaturatedShare);
                    }
                }));
        }
        var chosen = AdapterComparison.ChooseByValidation(grid).Single();
        output.WriteLine($"{settings.Describe()} ({AdapterComparison.Count(settings, shapes)} of {budget}): " +
            string.Join("; ", grid.Select(r => $"lr {r.LearningRate}: validation {r.MeanValidationAccuracy:F3}, test {r.MeanAccuracy:F3}, beyond ±3 {saturated[r.LearningRate]:P1}")));
        Assert.InRange(AdapterComparison.Count(settings, shapes), budget / 2, budget * 1.05);
        Assert.True(grid.Single(r => r.LearningRate == 3e-3).MeanAccuracy < 0.6, "at 3e-3 (one rate for all methods, as before) S'MoRE stays near chance");
        Assert.True(chosen.MeanAccuracy >= 0.5 + 0.2, $"S'MoRE test accuracy {chosen.MeanAccuracy} at lr {chosen.LearningRate} (chance 0.5)");
        Assert.True(saturated[chosen.LearningRate] < 0.5, $"{saturated[chosen.LearningRate]:P1} of the expert pre-activations beyond ±3");
    }

    [Fact]
    public void Fine_tuning_is_reproducible_for_a_seed()
    {
        var settings = new SmoreSettings([2, 2], [2, 2], [1, 1], [8, 8], 16, GateKind.NoisyTopK, Init: SmoreInit.Normal);
        var task = AnswerTasks.SyntheticMultiTask(2, 2, 48, 6, 64, 16, 16, 4);
        FineTuneOutcome Run()
        {
            using var model = NanoBase();
            using var adapters = ModelAdapters.Apply(model, settings, AdapterTargets.Ffn, 9);
            return AdapterFineTuner.Fit(model, adapters, task, new FineTuneSettings(Epochs: 1, BatchSize: 16, Seed: 2));
        }
        var first = Run();
        var second = Run();
        Assert.Equal(first.EpochLosses, second.EpochLosses);
        Assert.Equal(first.TestAccuracy, second.TestAccuracy);
    }

    [Fact]
    public async Task Real_labelled_texts_become_stratified_answer_tasks()
    {
        var tokenizer = Gpt2Tokenizer.Create();
        await TestData.EnsureAsync(DatasetName.SpamAssassin);
        var mails = LabeledTexts.Load(DatasetName.SpamAssassin, TestData.Cache);
        Assert.Equal(6046, mails.Count);
        Assert.Equal(1896, mails.Count(m => m.Label == "spam"));
        var spam = AnswerTasks.FromLabeledTexts("spam", mails, tokenizer, "\nIs this e-mail ham or spam? Answer:", ["ham", "spam"], 96, 200, 0.1, 0.2, 1);
        AssertSplit(spam, 200, 96);

        await TestData.EnsureAsync(DatasetName.StateOfTheUnion);
        var addresses = LabeledTexts.Load(DatasetName.StateOfTheUnion, TestData.Cache);
        Assert.Equal(233, addresses.Count);
        var party = AnswerTasks.FromLabeledTexts("sotu", addresses, tokenizer, "\nParty of the speaker:", ["Republican", "Democratic"], 128, 90, 0.15, 0.25, 1);
        AssertSplit(party, 90, 128);

        await TestData.EnsureAsync(DatasetName.BrownCorpus);
        var samples = LabeledTexts.Load(DatasetName.BrownCorpus, TestData.Cache);
        Assert.Equal(500, samples.Count);
        Assert.Equal(15, samples.Select(s => s.Label).Distinct().Count());
        var genre = AnswerTasks.FromLabeledTexts("brown", samples, tokenizer, "\nGenre:", ["news", "learned", "fiction", "romance"], 64, 40, 0.2, 0.2, 1);
        AssertSplit(genre, 40, 64);
        output.WriteLine(string.Join("\n", new[] { spam, party, genre }.Select(t => t.Describe())));
    }

    /// <summary>
    /// A random nano base with every matrix scaled from N(0, 0.02) to N(0, 0.2): with Hugging Face's scale a frozen,
    /// untrained model barely moves information between positions and its head cannot move the logits far enough
    /// for any adapter to fit the answers (the loss stalls near ln(vocab)).
    /// </summary>
    private static LlamaForCausalLM NanoBase()
    {
        var model = new LlamaForCausalLM(Nano);
        model.Initialize(5);
        using var noGrad = TorchSharp.torch.no_grad();
        using var factor = 10.0.ToScalar();
        foreach (var (_, parameter) in model.named_parameters().Where(p => p.parameter.dim() == 2))
        {
            parameter.mul_(factor);
        }
        return model;
    }

    private static void AssertSplit(AnswerTask task, int perLabel, int maxPrompt)
    {
        var all = task.Train.Concat(task.Validation).Concat(task.Test).ToList();
        Assert.All(all, e => Assert.InRange(e.Prompt.Length, 1, maxPrompt));
        for (int c = 0; c < task.Choices.Count; c++)
        {
            Assert.InRange(all.Count(e => e.Answer == c), 3, perLabel);
            Assert.Contains(task.Test, e => e.Answer == c);
            Assert.Contains(task.Validation, e => e.Answer == c);
        }
        var prompts = all.Select(e => string.Join(',', e.Prompt)).ToList();
        Assert.True(task.Train.Select(e => string.Join(',', e.Prompt)).Intersect(task.Test.Select(e => string.Join(',', e.Prompt))).Count() <= 1,
            "train and test prompts are (nearly) disjoint");
    }
}
