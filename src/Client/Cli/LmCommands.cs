using System.CommandLine;
using System.Globalization;
using FedOrleans.Models.Data;
using FedOrleans.Models.Llm;
using FedOrleans.Models.Llm.Pretraining;
using FedOrleans.Models.Torch;

namespace FedOrleans.Client.Cli;

/// <summary>
/// <c>fedorleans lm pretrain | generate</c>: pre-train a Llama-architecture model from scratch on the text
/// corpora with GPT-2 BPE, in this process, and generate text from a checkpoint folder. Both use the
/// Models-level code (Models/Llm); checkpoints are Hugging Face folders.
/// </summary>
public static class LmCommands
{
    public static Command Create(CancellationToken stop)
    {
        var data = CommonOptions.Data();
        var corpus = new Option<string[]>("--corpus")
        {
            Description = "text corpus to train on (repeatable): brown, moby-dick, sotu",
            DefaultValueFactory = _ => ["moby-dick"],
        };
        var preset = new Option<LlamaPreset>("--preset") { Description = "model size", DefaultValueFactory = _ => LlamaPreset.Nano };
        var steps = new Option<int>("--steps") { Description = "optimisation steps", DefaultValueFactory = _ => 1000 };
        var batch = new Option<int>("--batch") { Description = "sequences per step", DefaultValueFactory = _ => 16 };
        var length = new Option<int>("--length") { Description = "tokens per sequence", DefaultValueFactory = _ => 128 };
        var learningRate = new Option<double>("--lr") { Description = "peak learning rate (cosine to a tenth of it)", DefaultValueFactory = _ => 3e-3 };
        var evaluateEvery = new Option<int>("--eval-every") { Description = "steps between validation perplexities", DefaultValueFactory = _ => 100 };
        var seed = new Option<int>("--seed") { Description = "initialisation and batch seed", DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { Description = "torch intra-op threads", DefaultValueFactory = _ => Environment.ProcessorCount };
        var output = new Option<DirectoryInfo>("--out") { Description = "checkpoint folder (Hugging Face layout plus optimizer state)", Required = true };
        var resume = new Option<bool>("--resume") { Description = "continue from the checkpoint in --out" };
        var pretrain = new Command("pretrain", "pre-train a Llama-architecture model from scratch on text corpora (GPT-2 BPE, AdamW, cosine, validation perplexity)")
        {
            corpus, preset, steps, batch, length, learningRate, evaluateEvery, seed, threads, output, resume, data,
        };
        pretrain.SetAction(async parse =>
        {
            var settings = new PretrainingSettings(
                Steps: parse.GetValue(steps), BatchSize: parse.GetValue(batch), SequenceLength: parse.GetValue(length),
                PeakLearningRate: parse.GetValue(learningRate), WarmupSteps: Math.Min(100, parse.GetValue(steps) / 10),
                MinLearningRate: parse.GetValue(learningRate) / 10, EvaluateEvery: parse.GetValue(evaluateEvery),
                CheckpointEvery: parse.GetValue(evaluateEvery), Seed: parse.GetValue(seed));
            return await PretrainAsync(parse.GetValue(corpus) ?? [], parse.GetValue(preset), settings, parse.GetValue(threads),
                parse.GetValue(output)!.FullName, parse.GetValue(resume), Cache(parse.GetValue(data)), stop);
        });

        var folder = new Argument<DirectoryInfo>("checkpoint") { Description = "checkpoint folder: written by `lm pretrain`, or a Llama-family checkpoint with its tokenizer files" };
        var prompt = new Option<string>("--prompt") { Description = "text to continue", Required = true };
        var maxTokens = new Option<int>("--max-tokens") { Description = "tokens to generate", DefaultValueFactory = _ => 50 };
        var temperature = new Option<double>("--temperature") { Description = "0 = greedy", DefaultValueFactory = _ => 0.0 };
        var topK = new Option<int>("--top-k") { Description = "sample from the k most likely tokens (0 = all)", DefaultValueFactory = _ => 0 };
        var generate = new Command("generate", "continue a prompt with a checkpoint (greedy, temperature, top-k)")
        {
            folder, prompt, maxTokens, temperature, topK, seed, threads,
        };
        generate.SetAction(parse => Generate(parse.GetValue(folder)!.FullName, parse.GetValue(prompt)!,
            new GenerationSettings(parse.GetValue(maxTokens), parse.GetValue(temperature), parse.GetValue(topK), parse.GetValue(seed)),
            parse.GetValue(threads)));

        return new Command("lm", "language models: pretrain, generate") { pretrain, generate };
    }

    private static async Task<int> PretrainAsync(string[] corpusKeys, LlamaPreset preset, PretrainingSettings settings, int threads,
        string output, bool resume, DataCache cache, CancellationToken stop)
    {
        var names = new List<DatasetName>();
        foreach (var key in corpusKeys)
        {
            if (DatasetCatalog.Find(key) is not { Name: DatasetName.BrownCorpus or DatasetName.MobyDick or DatasetName.StateOfTheUnion } entry)
            {
                ConsoleOutput.Error($"'{key}' is not a text corpus; use brown, moby-dick or sotu");
                return ExitCodes.BadInput;
            }
            names.Add(entry.Name);
        }
        try
        {
            settings.Validate();
        }
        catch (ArgumentException e)
        {
            ConsoleOutput.Error(e.Message);
            return ExitCodes.BadInput;
        }
        if (!await DataCommands.FetchWithProgressAsync(new DatasetFetcher(cache), names, force: false, stop))
        {
            return ExitCodes.DataUnavailable;
        }
        return await Task.Run(() =>
        {
            TorchRuntime.Configure(threads);
            var tokenizer = Gpt2Tokenizer.Create();
            var documents = names.SelectMany(n => TextCorpus.Load(n, cache)).ToList();
            var tokens = TokenCorpus.FromDocuments(documents, tokenizer);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{string.Join(" + ", corpusKeys)}: {documents.Count} documents, {tokens.Train.Length:N0} training and {tokens.Validation.Length:N0} validation tokens"));
            bool resuming = resume && File.Exists(Path.Combine(output, LanguageModelTrainer.StateFileName));
            var config = resuming ? LlamaConfig.Load(output) : LlamaConfig.FromPreset(preset, tokenizer.VocabularySize) with { TieWordEmbeddings = true };
            using var model = new LlamaForCausalLM(config);
            model.Initialize((ulong)settings.Seed);
            model.MoveToRuntimeDevice();
            using var trainer = new LanguageModelTrainer(model, settings, tokens.Train, tokens.Validation);
            if (resuming)
            {
                trainer.Resume(output);
                Console.WriteLine($"resumed {output} at step {trainer.Step}");
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{config.ParameterCount:N0} parameters; step {trainer.Step}: validation perplexity {trainer.ValidationPerplexity():F1}"));
            var progress = new SynchronousProgress<PretrainingReport>(r =>
            {
                if (r.ValidationPerplexity is double ppl || r.Step % 10 == 0)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"step {r.Step}/{settings.Steps} loss {r.Loss:F3} lr {r.LearningRate:G3} grad {r.GradientNorm:F2}{(r.ValidationPerplexity is double p ? $" | validation perplexity {p:F1}" : "")}"));
                }
            });
            try
            {
                trainer.Run(output, progress, stop);
            }
            catch (OperationCanceledException)
            {
                trainer.SaveCheckpoint(output);
                Console.WriteLine($"stopped at step {trainer.Step}; checkpoint in {output} (continue with --resume)");
                return ExitCodes.Cancelled;
            }
            Console.WriteLine($"checkpoint: {output}");
            return ExitCodes.Ok;
        }, CancellationToken.None);
    }

    private static int Generate(string folder, string prompt, GenerationSettings settings, int threads)
    {
        try
        {
            TorchRuntime.Configure(threads);
            Console.WriteLine(prompt + Models.Jobs.CheckpointInference.Generate(folder, prompt, settings));
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is CheckpointException or ArgumentException)
        {
            ConsoleOutput.Error(e.Message);
            return ExitCodes.BadInput;
        }
    }

    private static DataCache Cache(string? root) => root is null ? DataCache.Default : new DataCache(root);

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool, out of order).</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
