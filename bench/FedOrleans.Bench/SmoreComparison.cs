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
        IProgress<string> progress = new Progress<string>(line => Console.Error.WriteLine($"[{clock.Elapsed:hh\\:mm\\:ss}] {line}"));
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
        else if (options.Task == "suffix")
        {
            task = AnswerTasks.SyntheticSuffix(2, 48, options.SuffixShape[0], options.SuffixShape[1], 1024, 128, 512, 3);
            config = new LlamaConfig(48, 32, 64, 2, 4, 2, 8);
            createBase = () => ScaledRandomBase(config);
            baseDescription = "random nano base (vocab 48, hidden 32, MLP 64, 2 layers), every matrix N(0, 0.2), frozen";
        }
        else if (options.Base is { } baseFolder)
        {
            // A checkpoint given on the command line (e.g. a pretrain job's), read with its own tokenizer.
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
        var entries = Entries(shapes, budget, options.Gates, options.Closest)
            .Where(e => options.Methods is null || options.Methods.Contains(e.Key))
            .Select(e => (e.Label, e.Settings() is var settings && settings is SmoreSettings smore
                ? smore with { ExpertActivation = options.Activation, Scaling = options.Scaling }
                : settings))
            .ToList();
        var diagnostics = options.Diagnostics is null ? null : new StreamWriter(options.Diagnostics, append: false);
        diagnostics?.Write("lr,configuration,seed," + SmoreDiagnostics.Csv([], header: true));
        var grid = new List<ComparisonRow>();
        foreach (var lr in options.LearningRates)
        {
            var settings = new FineTuneSettings(Epochs: options.Epochs, BatchSize: options.BatchSize, LearningRate: lr, EvaluationBatchSize: 32);
            Action<string, int, string, LlamaForCausalLM, ModelAdapters>? inspect = diagnostics is null ? null : (label, seed, stage, model, adapters) =>
            {
                var stats = SmoreDiagnostics.Measure(stage, model, adapters, task.Validation, 32);
                foreach (var line in SmoreDiagnostics.Csv(stats, header: false).Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    diagnostics.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{lr},\"{label}\",{seed},{line}"));
                }
                diagnostics.Flush();
                foreach (var s in SmoreDiagnostics.Summary(stats))
                {
                    progress.Report(s.Layer < 0
                        ? string.Create(CultureInfo.InvariantCulture, $"  {label} {stage}: output |mean| {s.OutputMeanAbs:G3}, spread across examples {s.OutputSpread:G3}")
                        : string.Create(CultureInfo.InvariantCulture, $"  {label} {stage} layer {s.Layer}: |pre| {s.MeanAbsPreActivation:G3}, slope {s.MeanSlope:G3}, beyond ±3 {s.SaturatedShare:P1}"));
                }
            };
            grid.AddRange(AdapterComparison.Run(createBase, task, entries, options.Seeds, settings, AdapterTargets.Ffn, progress, inspect: inspect));
        }
        diagnostics?.Dispose();
        var chosen = AdapterComparison.ChooseByValidation(grid);
        string lrs = string.Join(", ", options.LearningRates.Select(v => v.ToString(CultureInfo.InvariantCulture)));
        var report = $"""
            ### {task.Name} ({DateTime.UtcNow:yyyy-MM-dd})

            {task.Describe()}. Base: {baseDescription}. Adapters on every FFN projection (gate/up/down), budget
            {budget:N0} trainable parameters (LoRA r={options.BudgetRank}); LoRA and MixLoRA at the rank closest to it, S'MoRE {(options.Closest ? "at the ranks closest to it (router 16/8)" : "at the largest top width d_L within 5 % over it (ranks and router widths searched)")}.
            Fine-tune: AdamW lr {lrs}, cosine with 10 % warm-up, {options.Epochs} epochs, batch {options.BatchSize}, clip 1.0; seeds {string.Join(", ", options.Seeds)}.
            Wall time {clock.Elapsed.TotalMinutes:F1} min on {Environment.ProcessorCount} CPU cores ({TorchRuntime.Describe()}).

            {AdapterComparison.Markdown(grid)}
            """;
        if (options.LearningRates.Count > 1)
        {
            report += $"""

                Learning rate chosen per configuration on mean validation accuracy (test accuracy not used):

                {AdapterComparison.Markdown(chosen)}
                """;
        }
        Console.WriteLine(report);
        if (options.Out is not null)
        {
            await File.AppendAllTextAsync(options.Out, report + Environment.NewLine);
        }
        return 0;
    }

    /// <summary>The configurations, each at the rank whose trainable count is closest to <paramref name="budget"/>.</summary>
    private static List<(string Key, string Label, Func<IAdapterSettings> Settings)> Entries(IReadOnlyList<(int In, int Out)> shapes, long budget, bool allGates, bool closest)
    {
        var ranks = Enumerable.Range(1, 64).ToArray();
        IAdapterSettings Pick(IEnumerable<IAdapterSettings> c) => AdapterComparison.Closest(c, shapes, budget);
        // S'MoRE: the paper's rank grid (r, r), (r, 2r), (r, 4r) (extended to three layers) with routers of several widths
        // (the released configs use d_down = d_g = 32 at d = 4096; at d = 64 that router would take most of the budget),
        // picked for the largest top width d_L within the budget.
        IEnumerable<IAdapterSettings> Smore(int[] s, int[] f, GateKind gate) =>
            from r in ranks.Where(r => r <= 32)
            from growth in new[] { 1, 2, 4 }
            from router in new[] { (Down: 16, Gate: 8), (Down: 8, Gate: 4), (Down: 4, Gate: 4), (Down: 4, Gate: 2) }
            select (IAdapterSettings)new SmoreSettings(s, s.Select((_, l) => r * (int)Math.Pow(growth, l)).ToArray(), f,
                s.Select(_ => router.Gate).ToArray(), router.Down, gate);
        IAdapterSettings PickSmore(IEnumerable<IAdapterSettings> c) => closest
            ? Pick(c.Where(a => a is SmoreSettings { DownProjectionDim: 16 }))  // before issue 13: router 16/8, count closest to the budget
            : AdapterComparison.LargestWithin(c, shapes, budget, a => ((SmoreSettings)a).Widths()[^1]);
        IEnumerable<IAdapterSettings> Mix(GateKind gate) => ranks.Select(r => new MixLoraSettings(4, 2, r, 2 * r, gate));
        var entries = new List<(string, string, Func<IAdapterSettings>)>
        {
            ("lora", "LoRA", () => Pick(ranks.Select(r => new LoraSettings(r, 2 * r)))),
            ("mixlora", "MixLoRA (4) switch", () => Pick(Mix(GateKind.Switch))),
            ("smore-2-2", "S'MoRE (2-2) switch", () => PickSmore(Smore([2, 2], [1, 1], GateKind.Switch))),
            ("smore-4-4", "S'MoRE (4-4) switch", () => PickSmore(Smore([4, 4], [2, 2], GateKind.Switch))),
            ("smore-2-2-2", "S'MoRE (2-2-2) switch", () => PickSmore(Smore([2, 2, 2], [1, 1, 1], GateKind.Switch))),
        };
        if (allGates)
        {
            entries.Add(("mixlora-dense", "MixLoRA (4) dense", () => Pick(Mix(GateKind.Dense))));
            entries.Add(("mixlora-noisy", "MixLoRA (4) noisy", () => Pick(Mix(GateKind.NoisyTopK))));
            entries.Add(("smore-4-4-dense", "S'MoRE (4-4) dense", () => PickSmore(Smore([4, 4], [4, 4], GateKind.Dense))));
            entries.Add(("smore-4-4-noisy", "S'MoRE (4-4) noisy", () => PickSmore(Smore([4, 4], [2, 2], GateKind.NoisyTopK))));
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

    private sealed record Options(string Task, IReadOnlyList<int> Seeds, int Epochs, int BatchSize, IReadOnlyList<double> LearningRates,
        int BudgetRank, int PretrainSteps, bool Gates, string? Out, string? Base = null, IReadOnlySet<string>? Methods = null,
        AdapterActivation Activation = AdapterActivation.Tanh, double Scaling = 1.0, string? Diagnostics = null, int[]? Shape = null, bool Closest = false)
    {
        private const string Allowed = "--task, --seeds, --epochs, --batch, --lr (one or a grid: 1e-3,3e-4), --budget-rank, --pretrain-steps, "
            + "--base, --switch-only, --methods (lora,mixlora,smore-2-2,smore-4-4,smore-2-2-2,...), --activation tanh|identity|relu, "
            + "--scaling, --diagnostics FILE.csv, --shape CONTENT,SUFFIX (task suffix), --closest (S'MoRE at the count closest to the budget, router 16/8), --out";

        /// <summary>The suffix task's content length and suffix length.</summary>
        public int[] SuffixShape => Shape ?? [24, 6];

        public static Options Parse(string[] args)
        {
            var o = new Options("synthetic", [1, 2, 3], 4, 32, [3e-3], 16, 300, true, null);
            for (int i = 0; i < args.Length; i++)
            {
                string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                o = args[i] switch
                {
                    "--task" => o with { Task = Value() },
                    "--seeds" => o with { Seeds = Value().Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray() },
                    "--epochs" => o with { Epochs = int.Parse(Value(), CultureInfo.InvariantCulture) },
                    "--batch" => o with { BatchSize = int.Parse(Value(), CultureInfo.InvariantCulture) },
                    "--lr" => o with { LearningRates = Value().Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray() },
                    "--budget-rank" => o with { BudgetRank = int.Parse(Value(), CultureInfo.InvariantCulture) },
                    "--pretrain-steps" => o with { PretrainSteps = int.Parse(Value(), CultureInfo.InvariantCulture) },
                    "--switch-only" => o with { Gates = false },
                    "--out" => o with { Out = Value() },
                    "--base" => o with { Base = Value() },
                    "--methods" => o with { Methods = Value().Split(',').ToHashSet(), Gates = true },
                    "--activation" => o with { Activation = Enum.Parse<AdapterActivation>(Value(), ignoreCase: true) },
                    "--scaling" => o with { Scaling = double.Parse(Value(), CultureInfo.InvariantCulture) },
                    "--diagnostics" => o with { Diagnostics = Value() },
                    "--closest" => o with { Closest = true },
                    "--shape" => o with { Shape = Value().Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray() },
                    _ => throw new ArgumentException($"unknown option {args[i]}; allowed: {Allowed}"),
                };
            }
            return o;
        }
    }
}
