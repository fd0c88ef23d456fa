using System.Text.RegularExpressions;
using FedOrleans.Models.Data;
using FedOrleans.Models.Llm;
using FedOrleans.Models.Llm.Gem;
using FedOrleans.Models.Llm.Pretraining;
using FedOrleans.Models.Specs;
using YamlDotNet.RepresentationModel;

namespace FedOrleans.Models.Jobs;

/// <summary>
/// Parses and validates fine-tuning job specs, like <see cref="SpecParser"/> does experiments: every
/// error at once with its YAML path, <c>--set</c> overrides applied before validation.
/// </summary>
/// <example>
/// <code>
/// name: nano-pretrain
/// kind: pretrain
/// seed: 1
/// gpu: preferred
/// checkpoint_every: 50
/// pretrain: { preset: nano, corpus: [moby-dick], steps: 300, batch_size: 16, sequence_length: 128, lr: 0.003 }
/// </code>
/// </example>
public static partial class JobSpecParser
{
    public const int MaxSteps = 10_000_000;

    public static JobSpec Parse(string yaml, IEnumerable<string>? overrides = null, string source = "job spec")
    {
        var (spec, errors, _) = TryParse(yaml, overrides);
        return errors.Count > 0 ? throw new SpecException(source, errors) : spec!;
    }

    public static (JobSpec? Spec, IReadOnlyList<SpecError> Errors, string CanonicalYaml) TryParse(string yaml, IEnumerable<string>? overrides = null)
    {
        var errors = new List<SpecError>();
        var root = SpecParser.LoadRoot(yaml, overrides, errors);
        if (root is null)
        {
            return (null, errors, yaml);
        }
        var spec = Read(root, errors);
        return (errors.Count == 0 ? spec : null, errors, SpecParser.Canonical(root));
    }

    private static JobSpec Read(YamlMappingNode root, List<SpecError> errors)
    {
        var top = new YamlFields(root, "", errors);
        var name = top.String("name", null, required: true) ?? "unnamed";
        if (!NamePattern().IsMatch(name))
        {
            errors.Add(new SpecError("name", $"'{name}' is not allowed; use 1-64 characters a-z, 0-9, '-', '_', starting with a letter or digit (it names the results folder)"));
        }
        var kind = top.Enum("kind", JobKind.Pretrain, required: true);
        var seed = top.Int("seed", 1, 0, int.MaxValue);
        var gpu = top.Enum("gpu", GpuRequirement.None);
        var checkpointEvery = top.Int("checkpoint_every", 100, 1, MaxSteps);
        var reportEvery = top.Int("report_every", 10, 1, MaxSteps);
        PretrainJobSettings? pretrain = null;
        GemJobSettings? gem = null;
        if (kind == JobKind.Pretrain)
        {
            var p = top.Section("pretrain");
            var steps = p.Int("steps", 1000, 1, MaxSteps);
            double lr = p.Double("lr", 3e-3, 0, 10, minExclusive: true);
            var training = new PretrainingSettings(
                Steps: steps,
                BatchSize: p.Int("batch_size", 16, 1, 65_536),
                SequenceLength: p.Int("sequence_length", 128, 2, 131_072),
                PeakLearningRate: lr,
                WarmupSteps: p.Int("warmup_steps", Math.Min(100, steps / 10), 0, MaxSteps),
                MinLearningRate: p.Double("min_lr", lr / 10, 0, 10),
                WeightDecay: p.Double("weight_decay", 0.1, 0, 10),
                MaxGradientNorm: p.Double("max_grad_norm", 1.0, 0, 1e6, minExclusive: true),
                EvaluateEvery: p.Int("eval_every", Math.Max(1, checkpointEvery), 1, MaxSteps),
                ValidationBatches: p.Int("validation_batches", 8, 1, 100_000),
                CheckpointEvery: checkpointEvery,
                Seed: seed);
            if (training.MinLearningRate > training.PeakLearningRate)
            {
                errors.Add(new SpecError("pretrain.min_lr", $"{training.MinLearningRate} exceeds pretrain.lr ({training.PeakLearningRate})"));
            }
            pretrain = new PretrainJobSettings(p.Enum("preset", LlamaPreset.Nano), Corpus(p, errors), training);
            p.RejectUnknown("preset", "corpus", "steps", "batch_size", "sequence_length", "lr", "warmup_steps", "min_lr", "weight_decay",
                "max_grad_norm", "eval_every", "validation_batches");
            if (top.Has("gem"))
            {
                errors.Add(new SpecError("gem", "only applies to kind: gem"));
            }
        }
        else
        {
            var g = top.Section("gem");
            var baseFolder = g.String("base", null, required: true) ?? "";
            int total = g.Int("iterations", 1000, 1, MaxSteps);
            var settings = new GemSettings(
                SpecialTokenCount: g.Int("special_tokens", 1, 1, 64),
                PlainProbability: g.Double("p", 0.8, 0, 1),
                Format: g.Enum("format", GemFormat.Reconstruction),
                MaxLength: g.Int("max_length", 512, 4, 131_072),
                PrefixDropout: g.Double("prefix_dropout", 0.1, 0, 0.99),
                NtpIterations: g.Int("ntp_iterations", Math.Min(100, total), 0, MaxSteps),
                TotalIterations: total,
                NtpLearningRate: g.Double("ntp_lr", 1e-4, 0, 10, minExclusive: true),
                ContrastiveLearningRate: g.Double("contrastive_lr", 1e-5, 0, 10, minExclusive: true));
            if (settings.NtpIterations > total)
            {
                errors.Add(new SpecError("gem.ntp_iterations", $"{settings.NtpIterations} exceeds gem.iterations ({total})"));
            }
            int batch = g.Int("batch_size", 32, 2, 65_536);
            int textTokens = g.Int("text_tokens", 64, 2, 131_072);
            if (2 * textTokens + settings.SpecialTokenCount > settings.MaxLength)
            {
                errors.Add(new SpecError("gem.text_tokens", $"2 x {textTokens} + {settings.SpecialTokenCount} special token(s) exceeds gem.max_length ({settings.MaxLength}): a reconstruction row would be cut"));
            }
            gem = new GemJobSettings(baseFolder, Corpus(g, errors), settings, batch, textTokens);
            g.RejectUnknown("base", "corpus", "iterations", "special_tokens", "p", "format", "max_length", "prefix_dropout", "ntp_iterations",
                "ntp_lr", "contrastive_lr", "batch_size", "text_tokens");
            if (top.Has("pretrain"))
            {
                errors.Add(new SpecError("pretrain", "only applies to kind: pretrain"));
            }
        }
        top.RejectUnknown("name", "kind", "seed", "gpu", "checkpoint_every", "report_every", "pretrain", "gem");
        return new JobSpec(name, kind, seed, gpu, checkpointEvery, reportEvery, pretrain, gem);
    }

    private static IReadOnlyList<DatasetName> Corpus(YamlFields section, List<SpecError> errors)
    {
        var names = new List<DatasetName>();
        var keys = section.StringList("corpus", ["moby-dick"]);
        for (int i = 0; i < keys.Count; i++)
        {
            if (DatasetCatalog.Find(keys[i]) is { Name: DatasetName.BrownCorpus or DatasetName.MobyDick or DatasetName.StateOfTheUnion } entry)
            {
                names.Add(entry.Name);
            }
            else
            {
                errors.Add(new SpecError($"{section.PathOf("corpus")}[{i}]", $"'{keys[i]}' is not a text corpus; allowed: brown, moby-dick, sotu"));
            }
        }
        return names;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex NamePattern();
}
