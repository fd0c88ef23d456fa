using System.Diagnostics;
using System.Globalization;
using FedOrleans.Models.Data;
using FedOrleans.Models.Llm;
using FedOrleans.Models.Llm.Gem;
using FedOrleans.Models.Torch;

namespace FedOrleans.Bench;

/// <summary>
/// GEM fine-tuning of a checkpoint written by a <c>fedorleans pretrain</c> job, in this process, for the
/// evaluation in docs/results/gem.md (until the console has a fine-tune command). Training texts: the
/// paragraphs of the pre-training documents (every 20th document left out, as in the pre-training validation
/// split), each cut to <c>--max-tokens</c>, drawn in seeded random batches. Writes two checkpoints:
/// <c>OUT/phase-a</c> after the mixed next-token phase and <c>OUT/phase-b</c> after the contrastive phase.
/// <code>
/// dotnet run --project bench/FedOrleans.Bench -c Release -- gem --base results/nano-base --out results/nano-gem
///     [--resume CHECKPOINT_OF_THIS_COMMAND] [--ntp-steps 100] [--steps 200] [--batch 16] [--max-tokens 48] [--ntp-lr 1e-4] [--cl-lr 1e-5] [--seed 1] [--threads 2]
/// </code>
/// </summary>
public static class GemFinetune
{
    public static int Run(string[] args)
    {
        string? baseFolder = null, output = null, resume = null;
        int ntpSteps = 100, steps = 200, batch = 16, maxTokens = 48, seed = 1, threads = Environment.ProcessorCount;
        double ntpLr = 1e-4, clLr = 1e-5;
        string[] corpora = ["brown", "moby-dick", "sotu"];
        for (int i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i - 1])
            {
                case "--base": baseFolder = value; break;
                case "--out": output = value; break;
                case "--resume": resume = value; break;
                case "--ntp-steps": ntpSteps = Int(value); break;
                case "--steps": steps = Int(value); break;
                case "--batch": batch = Int(value); break;
                case "--max-tokens": maxTokens = Int(value); break;
                case "--seed": seed = Int(value); break;
                case "--threads": threads = Int(value); break;
                case "--ntp-lr": ntpLr = double.Parse(value, CultureInfo.InvariantCulture); break;
                case "--cl-lr": clLr = double.Parse(value, CultureInfo.InvariantCulture); break;
                case "--corpus": corpora = value.Split(','); break;
                default: throw new ArgumentException($"unknown option {args[i - 1]}; allowed: --base --out --resume --ntp-steps --steps --batch --max-tokens --ntp-lr --cl-lr --corpus --seed --threads");
            }
        }
        if (baseFolder is null || output is null)
        {
            throw new ArgumentException("gem needs --base CHECKPOINT and --out FOLDER");
        }
        var settings = new GemSettings(NtpIterations: ntpSteps, TotalIterations: steps, MaxLength: 2 * maxTokens + 2,
            NtpLearningRate: ntpLr, ContrastiveLearningRate: clLr);
        settings.Validate();
        TorchRuntime.Configure(threads);

        var cache = DataCache.Default;
        var names = corpora.Select(k => DatasetCatalog.Find(k)?.Name ?? throw new ArgumentException($"unknown corpus {k}")).ToList();
        var documents = names.SelectMany(n => TextCorpus.Load(n, cache)).ToList();
        var tokenizer = Gpt2Tokenizer.Create(Gpt2Tokenizer.GemTokens(settings.SpecialTokenCount));
        var texts = documents.Where((_, i) => i % 20 != 19)
            .SelectMany(d => d.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(p => tokenizer.Encode(p))
            .Where(t => t.Length >= 8)
            .Select(t => t.Length > maxTokens ? t[..maxTokens] : t)
            .ToList();
        Console.WriteLine($"{string.Join(" + ", corpora)}: {texts.Count:N0} training paragraphs (at most {maxTokens} tokens each)");

        using var pretrained = LlamaCheckpoint.Load(baseFolder);
        if (pretrained.Config.VocabSize != Gpt2Tokenizer.BaseVocabularySize)
        {
            throw new ArgumentException($"{baseFolder}: vocabulary {pretrained.Config.VocabSize}; expected a GPT-2 model from a pretrain job, without GEM tokens");
        }
        using var model = pretrained.WithAddedTokens(settings.SpecialTokenCount);
        model.MoveTo(null);
        using var trainer = new GemTrainer(model, tokenizer.AddedTokenIds, settings, seed);
        if (resume is not null)
        {
            trainer.Resume(resume);
            Console.WriteLine($"resumed {resume} at iteration {trainer.Iteration}");
        }
        var random = new Random(seed);
        var clock = Stopwatch.StartNew();
        while (trainer.Iteration < steps)
        {
            var batchTexts = Enumerable.Range(0, batch).Select(_ => texts[random.Next(texts.Count)]).ToList();
            var r = trainer.Step(batchTexts);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"step {r.Iteration + 1}/{steps} alpha {r.Alpha:F0} lr {r.LearningRate:G3} loss {r.Loss:F3}{(r.NtpLoss is double n ? $" ntp {n:F3}" : "")}{(r.ContrastiveLoss is double c ? $" cl {c:F3}" : "")} scale {Math.Exp(r.LogitScale):F1} [{clock.Elapsed.TotalSeconds:F0} s]"));
            if (trainer.Iteration == ntpSteps)
            {
                trainer.SaveCheckpoint(Path.Combine(output, "phase-a"));
                Console.WriteLine($"phase A (mixed NTP) checkpoint: {Path.Combine(output, "phase-a")}");
            }
        }
        trainer.SaveCheckpoint(Path.Combine(output, "phase-b"));
        Console.WriteLine($"phase B (contrastive) checkpoint: {Path.Combine(output, "phase-b")}");
        return 0;
    }

    private static int Int(string value) => int.Parse(value, CultureInfo.InvariantCulture);
}
