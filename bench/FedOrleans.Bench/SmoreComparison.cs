using System.Diagnostics;
using System.Globalization;
using FedOrleans.Models.Adapters;
using FedOrleans.Models.Adapters.FineTuning;
using FedOrleans.Models.Data;
using FedOrleans.Models.Llm;
using FedOrleans.Models.Llm.Pretraining;
using FedOrleans.Models.Llm.Tokenization;
using FedOrleans.Models.Torch;
using TorchSharp;

namespace FedOrleans.Bench;

/// <summary>
/// LoRA vs MixLoRA vs S'MoRE (2-2, 4-4, 2-2-2; dense, switch and noisy gates) at matched trainable-parameter budgets,
/// several seeds, on the synthetic multi-task set (a random frozen nano base) or on a real answer task (SpamAssassin,
/// State of the Union party, Brown genre) with a GPT-2-vocabulary nano base pre-trained briefly on Brown + SOTU, or with a
/// checkpoint given by `--base` (read with its own tokenizer).
/// Results and commands: docs/results/smore.md.
/// </summary>
public static class SmoreComparison
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = Options.Parse(args);
        TorchRuntime.Configure(1);
        var clock = Stopwatch.StartNew();
        var progress = new Progress<string>(line => Console.Error.WriteLine($"[{clock.Elapsed:hh\\:mm\\:ss}] {line}"));
        AnswerTask task;
        Func<LlamaForCausalLM> createBase;
        LlamaConfig config;
        string baseDescription;
        if (options.Task == "synthetic")
        {
            task = AnswerTasks.SyntheticMultiTask(4, 3, 48, 1, 2048, 128, 512, 3);
            config = new LlamaConfig(48, 32, 64, 2, 4, 2, 8);
            createBase = () => ScaledRandomBase(config);
            baseDescription = "random nano base (vocab 48, hidden 32, MLP 64, 2 layers), every matrix N(0, 0.2), frozen";
        }
        else if (options.Base is { } baseFolder)
        {
            // A checkpoint given on the command line (e.g. an `lm pretrain` output), read with its own tokenizer.
            task = await RealTaskAsync(options.Task, CheckpointTokenizers.ForFolder(baseFolder, []));
            config = LlamaConfig.Load(baseFolder);
            createBase = () => LlamaCheckpoint.Load(baseFolder);
            baseDescription = $"checkpoint {Path.GetFileName(Path.GetFullPath(baseFolder))} ({config.ParameterCount:N0} parameters, hidden {config.HiddenSize}, {config.NumHiddenLayers} layers), frozen";
        }
        else
        {
            var tokenizer = Gpt2Tokenizer.Create();
            task = await RealTaskAsync(options.Task, tokenizer);
            config = LlamaConfig.FromPreset(LlamaPreset.Nano, Gpt2Tokenizer.BaseVocabularySize) with { TieWordEmbeddings = true };
            var weights = await PretrainAsync(config, tokenizer, options.PretrainSteps, progress);
            createBase = () =>
            {
                var model = new LlamaForCausalLM(config);
                using var noGrad = torch.no_grad();
                var source = weights.ToDictionary(w => w.Name, w => w.Values);
                foreach (var (name, parameter) in model.named_parameters())
                {
                    using var values = torch.tensor(source[name], parameter.shape);
                    parameter.copy_(values);
                }
                return model;
            };
            baseDescription = $"GPT-2-vocabulary nano base (hidden 64, MLP 172, 2 layers, tied embeddings) pre-trained {options.PretrainSteps} steps on Brown + State of the Union, frozen";
        }
        var shapes = AdapterComparison.TargetShapes(config, AdapterTargets.Ffn);
        long budget = AdapterComparison.Count(new LoraSettings(options.BudgetRank, 2 * options.BudgetRank), shapes);
        var entries = Entries(shapes, budget, options.Gates);
        var settings = new FineTuneSettings(Epochs: options.Epochs, BatchSize: options.BatchSize, LearningRate: options.LearningRate, EvaluationBatchSize: 32);
        var rows = AdapterComparison.Run(createBase, task, entries, options.Seeds, settings, AdapterTargets.Ffn, progress);
        var report = $"""
            ### {task.Name} ({DateTime.UtcNow:yyyy-MM-dd})

            {task.Describe()}. Base: {baseDescription}. Adapters on every FFN projection (gate/up/down), budget
            {budget:N0} trainable parameters (LoRA r={options.BudgetRank}), each configuration at the rank closest to it.
            Fine-tune: AdamW lr {options.LearningRate.ToString(CultureInfo.InvariantCulture)}, cosine with 10 % warm-up, {options.Epochs} epochs, batch {options.BatchSize}, clip 1.0; seeds {string.Join(", ", options.Seeds)}.
            Wall time {clock.Elapsed.TotalMinutes:F1} min on {Environment.ProcessorCount} CPU cores ({TorchRuntime.Describe()}).

            {AdapterComparison.Markdown(rows)}
            """;
        Console.WriteLine(report);
        if (options.Out is not null)
        {
            await File.AppendAllTextAsync(options.Out, report + Environment.NewLine);
        }
        return 0;
    }

    /// <summary>The configurations, each at the rank whose trainable count is closest to <paramref name="budget"/>.</summary>
    private static List<(string, IAdapterSettings)> Entries(IReadOnlyList<(int In, int Out)> shapes, long budget, bool allGates)
    {
        var ranks = Enumerable.Range(1, 64).ToArray();
        IAdapterSettings Pick(IEnumerable<IAdapterSettings> c) => AdapterComparison.Closest(c, shapes, budget);
        IEnumerable<IAdapterSettings> Smore(int[] s, int[] f, GateKind gate) => ranks.Where(r => r <= 32).SelectMany(r => new[]
        {
            new SmoreSettings(s, s.Select(_ => r).ToArray(), f, s.Select(_ => 8).ToArray(), 16, gate),
            new SmoreSettings(s, s.Select((_, l) => r << l).ToArray(), f, s.Select(_ => 8).ToArray(), 16, gate),
        });
        IEnumerable<IAdapterSettings> Mix(GateKind gate) => ranks.Select(r => new MixLoraSettings(4, 2, r, 2 * r, gate));
        var entries = new List<(string, IAdapterSettings)>
        {
            ("LoRA", Pick(ranks.Select(r => new LoraSettings(r, 2 * r)))),
            ("MixLoRA (4) switch", Pick(Mix(GateKind.Switch))),
            ("S'MoRE (2-2) switch", Pick(Smore([2, 2], [1, 1], GateKind.Switch))),
            ("S'MoRE (4-4) switch", Pick(Smore([4, 4], [2, 2], GateKind.Switch))),
            ("S'MoRE (2-2-2) switch", Pick(Smore([2, 2, 2], [1, 1, 1], GateKind.Switch))),
        };
        if (allGates)
        {
            entries.Add(("MixLoRA (4) dense", Pick(Mix(GateKind.Dense))));
            entries.Add(("MixLoRA (4) noisy", Pick(Mix(GateKind.NoisyTopK))));
            entries.Add(("S'MoRE (4-4) dense", Pick(Smore([4, 4], [4, 4], GateKind.Dense))));
            entries.Add(("S'MoRE (4-4) noisy", Pick(Smore([4, 4], [2, 2], GateKind.NoisyTopK))));
        }
        return entries;
    }

    private static LlamaForCausalLM ScaledRandomBase(LlamaConfig config)
    {
        var model = new LlamaForCausalLM(config);
        model.Initialize(5);
        using var noGrad = torch.no_grad();
        using var factor = 10.0.ToScalar();
        foreach (var (_, parameter) in model.named_parameters().Where(p => p.parameter.dim() == 2))
        {
            parameter.mul_(factor);
        }
        return model;
    }

    private static async Task<AnswerTask> RealTaskAsync(string name, ITextTokenizer tokenizer)
    {
        await new DatasetFetcher(DataCache.Default).EnsureAsync(AnswerTasks.RealDataset(name));
        return AnswerTasks.Real(name, DataCache.Default, tokenizer);
    }

    private static async Task<List<(string Name, float[] Values)>> PretrainAsync(LlamaConfig config, Gpt2Tokenizer tokenizer, int steps, IProgress<string> progress)
    {
        var cache = DataCache.Default;
        await new DatasetFetcher(cache).EnsureAsync(DatasetName.BrownCorpus);
        await new DatasetFetcher(cache).EnsureAsync(DatasetName.StateOfTheUnion);
        var documents = TextCorpus.Load(DatasetName.BrownCorpus, cache).Concat(TextCorpus.Load(DatasetName.StateOfTheUnion, cache)).ToList();
        var corpus = TokenCorpus.FromDocuments(documents, tokenizer);
        using var model = new LlamaForCausalLM(config);
        model.Initialize(1);
        var settings = new PretrainingSettings(Steps: steps, BatchSize: 8, SequenceLength: 128, PeakLearningRate: 3e-3,
            WarmupSteps: Math.Max(1, steps / 20), MinLearningRate: 3e-4, EvaluateEvery: Math.Max(1, steps / 4), ValidationBatches: 4);
        using var trainer = new LanguageModelTrainer(model, settings, corpus.Train, corpus.Validation);
        var reports = trainer.Run(progress: new Progress<PretrainingReport>(r =>
        {
            if (r.ValidationPerplexity is { } perplexity)
            {
                progress.Report($"pre-training step {r.Step}: loss {r.Loss:F3}, validation perplexity {perplexity:F1}");
            }
        }));
        using var noGrad = torch.no_grad();
        return model.named_parameters().Select(p => (p.name, p.parameter.detach().cpu().data<float>().ToArray())).ToList();
    }

    private sealed record Options(string Task, IReadOnlyList<int> Seeds, int Epochs, int BatchSize, double LearningRate,
        int BudgetRank, int PretrainSteps, bool Gates, string? Out, string? Base = null)
    {
        public static Options Parse(string[] args)
        {
            var o = new Options("synthetic", [1, 2, 3], 4, 32, 3e-3, 16, 300, true, null);
            for (int i = 0; i < args.Length; i++)
            {
                string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                o = args[i] switch
                {
                    "--task" => o with { Task = Value() },
                    "--seeds" => o with { Seeds = Value().Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray() },
                    "--epochs" => o with { Epochs = int.Parse(Value(), CultureInfo.InvariantCulture) },
                    "--batch" => o with { BatchSize = int.Parse(Value(), CultureInfo.InvariantCulture) },
                    "--lr" => o with { LearningRate = double.Parse(Value(), CultureInfo.InvariantCulture) },
                    "--budget-rank" => o with { BudgetRank = int.Parse(Value(), CultureInfo.InvariantCulture) },
                    "--pretrain-steps" => o with { PretrainSteps = int.Parse(Value(), CultureInfo.InvariantCulture) },
                    "--switch-only" => o with { Gates = false },
                    "--out" => o with { Out = Value() },
                    "--base" => o with { Base = Value() },
                    _ => throw new ArgumentException($"unknown option {args[i]}; allowed: --task, --seeds, --epochs, --batch, --lr, --budget-rank, --pretrain-steps, --base, --switch-only, --out"),
                };
            }
            return o;
        }
    }
}
