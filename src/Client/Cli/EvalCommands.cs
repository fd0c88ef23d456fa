using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using FedOrleans.Models.Data;
using FedOrleans.Models.Llm;
using FedOrleans.Models.Llm.Evaluation;
using FedOrleans.Models.Llm.Pretraining;
using FedOrleans.Models.Torch;

namespace FedOrleans.Client.Cli;

/// <summary>
/// <c>fedorleans eval-embed CHECKPOINT</c>: STS12-14 Spearman, Brown genre probe accuracy and held-out
/// perplexity of a checkpoint's embeddings (GEM special token, mean pooling, last token) and of MiniLM as
/// the dedicated-embedding reference; writes <c>eval.json</c> and <c>eval.md</c> (docs/results/gem.md).
/// </summary>
public static class EvalCommands
{
    public static Command Create(CancellationToken stop)
    {
        var checkpoint = new Argument<DirectoryInfo?>("checkpoint")
        {
            Description = "checkpoint folder (a pretrain or GEM job's, see its job.json, or a Llama-family checkpoint with its tokenizer files); may be left out when only minilm is evaluated",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var methods = new Option<string[]>("--method")
        {
            Description = "embedding methods (repeatable): gem, mean, last, minilm",
            DefaultValueFactory = _ => ["mean", "last"],
            AllowMultipleArgumentsPerToken = true,
        };
        var sts = new Option<DirectoryInfo?>("--sts") { Description = "SemEval STS folder with 2012/ 2013/ 2014/ (default $FEDORLEANS_STS)" };
        var stsLimit = new Option<int?>("--sts-limit") { Description = "use only the first N pairs of each STS file (default all)" };
        var genrePieces = new Option<int>("--genre-pieces")
        {
            Description = $"{BrownGenres.WordsPerPiece}-word pieces per Brown document for the genre probe (0 = no probe)",
            DefaultValueFactory = _ => 4,
        };
        var folds = new Option<int>("--folds") { Description = "cross-validation folds of the genre probe", DefaultValueFactory = _ => 5 };
        var pplBatches = new Option<int>("--ppl-batches")
        {
            Description = "held-out perplexity batches of 8 x 128 tokens on the corpora's validation documents (0 = skip)",
            DefaultValueFactory = _ => 16,
        };
        var corpus = new Option<string[]>("--corpus")
        {
            Description = "corpora whose held-out documents give the perplexity (repeatable; use those of pre-training)",
            DefaultValueFactory = _ => ["brown", "moby-dick", "sotu"],
        };
        var maxTokens = new Option<int>("--max-tokens") { Description = "tokens per text for the decoder embedders", DefaultValueFactory = _ => 128 };
        var threads = new Option<int>("--threads") { Description = "torch intra-op threads", DefaultValueFactory = _ => Environment.ProcessorCount };
        var name = new Option<string?>("--name") { Description = "run name (default the checkpoint folder's name, or minilm)" };
        var output = new Option<DirectoryInfo?>("--out") { Description = "result folder (default results/<name>)" };
        var data = CommonOptions.Data();
        var command = new Command("eval-embed", "embedding evaluation: STS12-14 Spearman, Brown genre probe, held-out perplexity; writes eval.json and eval.md")
        {
            checkpoint, methods, sts, stsLimit, genrePieces, folds, pplBatches, corpus, maxTokens, threads, name, output, data,
        };
        command.SetAction(async parse =>
        {
            var options = new EvalOptions(
                parse.GetValue(checkpoint)?.FullName,
                [.. (parse.GetValue(methods) ?? []).SelectMany(m => m.Split(',', StringSplitOptions.RemoveEmptyEntries)).Select(m => m.Trim().ToLowerInvariant())],
                parse.GetValue(sts)?.FullName ?? Environment.GetEnvironmentVariable("FEDORLEANS_STS"),
                parse.GetValue(stsLimit), parse.GetValue(genrePieces), parse.GetValue(folds), parse.GetValue(pplBatches),
                parse.GetValue(corpus) ?? [], parse.GetValue(maxTokens), parse.GetValue(threads), parse.GetValue(name), parse.GetValue(output)?.FullName);
            var cache = parse.GetValue(data) is string root ? new DataCache(root) : DataCache.Default;
            return await RunAsync(options, cache, stop);
        });
        return command;
    }

    internal sealed record EvalOptions(string? Checkpoint, IReadOnlyList<string> Methods, string? Sts, int? StsLimit, int GenrePieces,
        int Folds, int PerplexityBatches, IReadOnlyList<string> Corpora, int MaxTokens, int Threads, string? Name, string? Output);

    internal static async Task<int> RunAsync(EvalOptions o, DataCache cache, CancellationToken stop)
    {
        var known = new[] { "gem", "mean", "last", "minilm" };
        if (o.Methods.Count == 0 || o.Methods.Any(m => !known.Contains(m)))
        {
            ConsoleOutput.Error($"--method must be one or more of {string.Join(", ", known)} (got {string.Join(", ", o.Methods)})");
            return ExitCodes.BadInput;
        }
        bool needsModel = o.Methods.Any(m => m != "minilm") || o.PerplexityBatches > 0 && o.Checkpoint is not null;
        if (o.Methods.Any(m => m != "minilm") && o.Checkpoint is null)
        {
            ConsoleOutput.Error("methods gem, mean and last need a CHECKPOINT folder");
            return ExitCodes.BadInput;
        }
        if (o.Sts is null || !Directory.Exists(o.Sts))
        {
            ConsoleOutput.Error($"STS folder '{o.Sts}' not found: pass --sts DIR (the folder holding 2012/ 2013/ 2014/) or set FEDORLEANS_STS");
            return ExitCodes.DataUnavailable;
        }
        var corpora = new List<DatasetName>();
        foreach (var key in o.Corpora.Append("brown").Distinct())
        {
            if (DatasetCatalog.Find(key) is not { Name: DatasetName.BrownCorpus or DatasetName.MobyDick or DatasetName.StateOfTheUnion } entry)
            {
                ConsoleOutput.Error($"'{key}' is not a text corpus; use brown, moby-dick or sotu");
                return ExitCodes.BadInput;
            }
            corpora.Add(entry.Name);
        }
        if (!await DataCommands.FetchWithProgressAsync(new DatasetFetcher(cache), corpora, force: false, stop))
        {
            return ExitCodes.DataUnavailable;
        }
        string runName = o.Name ?? (o.Checkpoint is string c ? Path.GetFileName(Path.TrimEndingDirectorySeparator(c)) : "minilm");
        string folder = o.Output ?? Path.Combine("results", runName);
        return await Task.Run(() =>
        {
            try
            {
                return Evaluate(o, cache, runName, folder, needsModel, stop);
            }
            catch (Exception e) when (e is CheckpointException or DataFormatException or DirectoryNotFoundException)
            {
                ConsoleOutput.Error(e.Message);
                return ExitCodes.BadInput;
            }
        }, CancellationToken.None);
    }

    private static int Evaluate(EvalOptions o, DataCache cache, string runName, string folder, bool needsModel, CancellationToken stop)
    {
        TorchRuntime.Configure(o.Threads);
        var stsFiles = StsDataset.Years.SelectMany(y => StsDataset.LoadYear(o.Sts!, y)).ToList();
        Console.WriteLine($"STS: {stsFiles.Count} files, {stsFiles.Sum(f => f.Pairs.Count)} scored pairs" +
            (o.StsLimit is int n ? $", the first {n} of each file used" : ""));
        var brown = TextCorpus.Load(DatasetName.BrownCorpus, cache);
        var pieces = o.GenrePieces > 0 ? BrownGenres.Pieces(brown, o.GenrePieces) : [];
        Console.WriteLine($"Brown genres: {pieces.Count} pieces of {BrownGenres.WordsPerPiece} words from {brown.Count} documents");
        var probe = new ProbeSettings(Folds: o.Folds);

        LlamaForCausalLM? model = null;
        ITextTokenizer? tokenizer = null;
        try
        {
            if (needsModel)
            {
                model = Models.Jobs.CheckpointInference.Load(o.Checkpoint!, out tokenizer);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{o.Checkpoint}: {model.Config.ParameterCount:N0} parameters, {(tokenizer is Gpt2Tokenizer ? "GPT-2 tokens" : "its own tokenizer")}, {tokenizer.AddedTokenIds.Count} GEM token(s)"));
            }
            (double Perplexity, long Tokens)? perplexity = null;
            if (model is not null && o.PerplexityBatches > 0)
            {
                var corpora = o.Corpora.Select(k => DatasetCatalog.Find(k)!.Name).ToList();
                var tokens = TokenCorpus.FromDocuments(corpora.SelectMany(n => TextCorpus.Load(n, cache)).ToList(), tokenizer!);
                perplexity = HeldOutPerplexity.Measure(model, tokens.Validation, maxBatches: o.PerplexityBatches);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"held-out perplexity ({string.Join(" + ", o.Corpora)} validation documents, {perplexity.Value.Tokens:N0} tokens): {perplexity.Value.Perplexity:F2}"));
            }
            var scores = new List<EmbeddingScores>();
            foreach (var method in o.Methods)
            {
                stop.ThrowIfCancellationRequested();
                Console.WriteLine($"{method}:");
                if (method == "gem" && tokenizer!.AddedTokenIds.Count == 0)
                {
                    ConsoleOutput.Error($"{o.Checkpoint} has no GEM special token; gem needs a GEM fine-tuned checkpoint");
                    return ExitCodes.BadInput;
                }
                using var minilm = method == "minilm" ? new MiniLmEmbedder() : null;
                ITextEmbedder embedder = method switch
                {
                    "minilm" => minilm!,
                    "gem" => new DecoderEmbedder(model!, tokenizer!, DecoderPooling.Gem, tokenizer!.AddedTokenIds, o.MaxTokens),
                    "mean" => new DecoderEmbedder(model!, tokenizer!, DecoderPooling.Mean, maxTokens: o.MaxTokens),
                    _ => new DecoderEmbedder(model!, tokenizer!, DecoderPooling.Last, maxTokens: o.MaxTokens),
                };
                scores.Add(EmbeddingEvaluation.Run(embedder, stsFiles, o.StsLimit, pieces, probe, Console.WriteLine));
            }
            var report = new EvalReport(runName, o.Checkpoint, model?.Config.ParameterCount, o.StsLimit, pieces.Count, BrownGenres.WordsPerPiece,
                probe, perplexity?.Perplexity, perplexity?.Tokens, string.Join(" + ", o.Corpora), scores);
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "eval.json"), JsonSerializer.Serialize(report, JsonOptions));
            var markdown = Markdown(report);
            File.WriteAllText(Path.Combine(folder, "eval.md"), markdown);
            Console.WriteLine();
            Console.Write(markdown);
            Console.WriteLine($"results: {folder}/eval.json, eval.md");
            return ExitCodes.Ok;
        }
        finally
        {
            model?.Dispose();
        }
    }

    internal sealed record EvalReport(string Name, string? Checkpoint, long? Parameters, int? StsLimit, int GenrePieces, int WordsPerPiece,
        ProbeSettings Probe, double? HeldOutPerplexity, long? PerplexityTokens, string PerplexityCorpora, IReadOnlyList<EmbeddingScores> Methods);

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    internal static string Markdown(EvalReport r)
    {
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine(inv, $"# {r.Name}");
        md.AppendLine();
        string perplexity = r.HeldOutPerplexity is double p
            ? string.Create(inv, $"{p:F2} ({r.PerplexityTokens:N0} tokens of {r.PerplexityCorpora})")
            : "not measured";
        md.AppendLine(inv, $"checkpoint `{r.Checkpoint ?? "(none)"}`; STS pairs per file: {(r.StsLimit is int n ? $"first {n}" : "all")}; genre probe: {r.GenrePieces} pieces of {r.WordsPerPiece} words, {r.Probe.Folds}-fold; held-out perplexity: {perplexity}");
        md.AppendLine();
        md.AppendLine("| method | STS12 | STS13 | STS14 | STS mean | Brown genre acc. % | seconds |");
        md.AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
        foreach (var m in r.Methods)
        {
            string Year(int y) => m.Sts.FirstOrDefault(s => s.Year == y) is { } s ? s.Spearman.ToString("F2", inv) : "-";
            string genre = m.Genre is { } g ? (g.Accuracy * 100).ToString("F2", inv) : "-";
            md.AppendLine(inv, $"| {m.Method} | {Year(2012)} | {Year(2013)} | {Year(2014)} | {(m.Sts.Count > 0 ? m.Sts.Average(s => s.Spearman) : double.NaN):F2} | {genre} | {m.Seconds:F0} |");
        }
        md.AppendLine();
        md.AppendLine("Spearman x 100 of cosine similarity vs gold; STS12/13/14 = mean over that year's test files (2012: MSRpar, OnWN, SMTeuroparl, SMTnews).");
        if (r.Methods.FirstOrDefault(m => m.Genre is not null)?.Genre is { } first)
        {
            md.AppendLine(inv, $"Genre majority-class baseline: {first.ChanceAccuracy * 100:F1}% ({first.Classes} classes, {first.Samples} pieces).");
        }
        md.AppendLine();
        md.AppendLine("Per file:");
        md.AppendLine();
        md.AppendLine("| method | file | pairs | Spearman |");
        md.AppendLine("| --- | --- | --- | --- |");
        foreach (var m in r.Methods)
        {
            foreach (var f in m.Sts.SelectMany(s => s.Files))
            {
                md.AppendLine(inv, $"| {m.Method} | {f.File} | {f.Pairs} | {f.Spearman:F2} |");
            }
        }
        return md.ToString();
    }
}
