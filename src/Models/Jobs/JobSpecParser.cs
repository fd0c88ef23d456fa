using System.Text.RegularExpressions;
using FedOrleans.Models.Adapters;
using FedOrleans.Models.Adapters.FineTuning;
using FedOrleans.Models.Data;
using FedOrleans.Models.Llm;
using FedOrleans.Models.Llm.Gem;
using FedOrleans.Models.Llm.Pretraining;
using FedOrleans.Models.Specs.Yaml;
using FedOrleans.Models.Torch;
using YamlDotNet.RepresentationModel;

namespace FedOrleans.Models.Jobs;

/// <summary>
/// Parses and validates language-model job specs, like <see cref="SpecParser"/> does experiments: every
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
        var root = SpecDocuments.LoadRoot(yaml, overrides, errors);
        if (root is null)
        {
            return (null, errors, yaml);
        }
        var spec = Read(root, errors);
        return (errors.Count == 0 ? spec : null, errors, SpecDocuments.Canonical(root));
    }

    private static JobSpec Read(YamlMappingNode root, List<SpecError> errors)
    {
        var reading = new SpecReading(errors);
        var top = new YamlFields(root, reading);
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
        SmoreJobSettings? smore = null;
        foreach (var other in new[] { "pretrain", "gem", "smore" }.Where(k => k != YamlFields.EnumName(kind) && top.Has(k)))
        {
            errors.Add(new SpecError(other, $"only applies to kind: {other}"));
        }
        if (kind == JobKind.Smore)
        {
            smore = ReadSmore(top.Section("smore"), seed, errors);
        }
        else if (kind == JobKind.Pretrain)
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
        }
        reading.RejectUnasked();
        return new JobSpec(name, kind, seed, gpu, checkpointEvery, reportEvery, pretrain, gem, smore);
    }

    /// <summary>
    /// <c>smore: { base, task, adapter: lora|mixlora|smore, rank, experts, active, ranks, fan_outs, gate_dims, gate, targets: ffn|all,
    /// epochs, batch_size, lr, weight_decay }</c>. LoRA uses <c>rank</c>; MixLoRA <c>experts</c> (one number), <c>active</c>, <c>rank</c>;
    /// S'MoRE the per-layer lists <c>experts</c>, <c>ranks</c>, <c>fan_outs</c>, <c>gate_dims</c>.
    /// </summary>
    internal static SmoreJobSettings ReadSmore(YamlFields s, int seed, List<SpecError> errors, bool federated = false)
    {
        var baseFolder = s.String("base", null, required: true) ?? "";
        var task = s.String("task", "spam") ?? "spam";
        if (task is not ("spam" or "sotu" or "brown"))
        {
            errors.Add(new SpecError(s.PathOf("task"), $"'{task}' is not a task; allowed: spam, sotu, brown"));
        }
        var kind = s.String("adapter", "smore") ?? "smore";
        var gate = s.Enum("gate", GateKind.Switch);
        int rank = s.Int("rank", 8, 1, 4096);
        IAdapterSettings adapter;
        switch (kind)
        {
            case "lora":
                adapter = new LoraSettings(rank, 2.0 * rank);
                break;
            case "mixlora":
                var experts = s.IntList("experts", [4], 1, 256);
                adapter = new MixLoraSettings(experts.Count > 0 ? experts[0] : 4, s.Int("active", 2, 1, 256), rank, 2.0 * rank, gate);
                break;
            case "smore":
                var layers = s.IntList("experts", [2, 2], 1, 256);
                adapter = new SmoreSettings(layers, s.IntList("ranks", layers.Select(_ => rank).ToList(), 1, 4096),
                    s.IntList("fan_outs", layers.Select(_ => 2).ToList(), 1, 256), s.IntList("gate_dims", layers.Select(_ => 8).ToList(), 1, 4096),
                    s.Int("down_projection", 16, 1, 4096), gate);
                break;
            default:
                errors.Add(new SpecError(s.PathOf("adapter"), $"'{kind}' is not an adapter; allowed: lora, mixlora, smore"));
                adapter = new LoraSettings(rank, 2.0 * rank);
                break;
        }
        // One file serves every adapter kind (--set adapter=lora, or a sweep over kinds): the other kinds' keys are accepted and ignored.
        s.Tolerate("experts", "active", "ranks", "fan_outs", "gate_dims", "down_projection");
        try
        {
            switch (adapter)
            {
                case LoraSettings lora:
                    lora.Validate();
                    break;
                case MixLoraSettings mix:
                    mix.Validate();
                    break;
                case SmoreSettings smore:
                    smore.Validate();
                    break;
            }
        }
        catch (ArgumentException e)
        {
            errors.Add(new SpecError(s.PathOf("adapter"), e.Message));
        }
        var targets = (s.String("targets", "ffn") ?? "ffn") switch
        {
            "ffn" => AdapterTargets.Ffn,
            "all" => AdapterTargets.FfnAndAttention,
            var other => Invalid(other),
        };
        AdapterTargets Invalid(string other)
        {
            errors.Add(new SpecError(s.PathOf("targets"), $"'{other}' is not allowed; use ffn (gate/up/down projections) or all (attention too)"));
            return AdapterTargets.Ffn;
        }
        // In a federated experiment the local training comes from the experiment's train section (epochs, batch_size, lr per round).
        var fineTune = federated
            ? new FineTuneSettings(Seed: seed)
            : new FineTuneSettings(
                Epochs: s.Int("epochs", 2, 1, 10_000),
                BatchSize: s.Int("batch_size", 16, 1, 65_536),
                LearningRate: s.Double("lr", 1e-3, 0, 10, minExclusive: true),
                WeightDecay: s.Double("weight_decay", 0, 0, 10),
                Seed: seed);
        string[] keys = ["base", "task", "adapter", "rank", "experts", "active", "ranks", "fan_outs", "gate_dims", "down_projection", "gate", "targets"];
        return new SmoreJobSettings(baseFolder, task, adapter, targets, fineTune);
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
