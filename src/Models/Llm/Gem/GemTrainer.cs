using System.Text.Json.Nodes;
using FedOrleans.Models.Federated;
using FedOrleans.Models.Torch;
using FedOrleans.Models.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedOrleans.Models.Llm.Gem;

/// <summary>
/// GEM fine-tuning (papers.md section 1.5): each <see cref="Step"/> is one iteration on a batch of texts with
/// <c>L = (1 - alpha) L_ntp + alpha L_cl</c>. For the first <see cref="GemSettings.NtpIterations"/> iterations
/// alpha = 0: mixed next-token prediction, each text plain with probability p or with special tokens and the
/// GEM mask, special tokens never targets. Afterwards alpha = 1: InfoNCE between each text's special-token
/// embedding and that of its prefix-dropout twin, the other texts of the batch as negatives, with a learnable
/// logit scale (log space, init ln 20, clamped to [0, ln 100] after every step). AdamW, a cosine schedule
/// per phase, and global-norm clipping. The model must already hold the special tokens
/// (<see cref="LlamaForCausalLM.WithAddedTokens"/>); the trainer does not own it.
/// </summary>
public sealed class GemTrainer : IDisposable
{
    public const string StateFileName = "gem_state.json";

    /// <summary>The logit scale's name in checkpoints (optimizer state and <see cref="StateFileName"/>).</summary>
    public const string LogitScaleName = "gem.logit_scale";

    private readonly LlamaForCausalLM _model;
    private readonly GemSettings _settings;
    private readonly GemCollator _collator;
    private readonly Parameter _logitScale;
    private readonly List<(string Name, Parameter Parameter)> _parameters;
    private readonly LocalOptimizer _optimizer;
    private readonly int _seed;
    private readonly int _padId;
    private readonly Scalar _logitScaleMin;
    private readonly Scalar _logitScaleMax;
    private int _iteration;

    public GemTrainer(LlamaForCausalLM model, IReadOnlyList<int> specialIds, GemSettings settings, int seed, int padId = 0, int? beginOfText = null)
    {
        settings.Validate();
        if (specialIds.Any(id => id < 0 || id >= model.Config.VocabSize))
        {
            throw new ArgumentException($"special token ids [{string.Join(", ", specialIds)}] must lie in the model's vocabulary [0, {model.Config.VocabSize}); add them first");
        }
        _model = model;
        _settings = settings;
        _collator = new GemCollator(specialIds, settings, beginOfText);
        _seed = seed;
        _padId = padId;
        var device = model.parameters().First().device;
        _logitScale = new Parameter(tensor(GemSettings.LogitScaleInit, ScalarType.Float32, device));
        _parameters = [.. model.named_parameters().Select(p => (p.name, p.parameter)), (LogitScaleName, _logitScale)];
        _optimizer = new LocalOptimizer(_parameters.Select(p => p.Parameter).ToList(), new TrainerSettings(
            LearningRate: settings.NtpLearningRate, Optimizer: OptimizerKind.AdamW, WeightDecay: settings.WeightDecay));
        _logitScaleMin = 0.0.ToScalar();
        _logitScaleMax = GemSettings.LogitScaleMax.ToScalar();
    }

    public int Iteration => _iteration;

    /// <summary>The learnable logit scale in log space (the InfoNCE logits are multiplied by its exponential).</summary>
    public double LogitScale => _logitScale.item<float>();

    public GemCollator Collator => _collator;

    /// <summary>The learning rate of an iteration: a cosine from the phase's peak to 0 within each phase.</summary>
    public double LearningRateAt(int iteration) => iteration < _settings.NtpIterations
        ? new CosineSchedule(_settings.NtpLearningRate, _settings.NtpIterations).At(iteration)
        : new CosineSchedule(_settings.ContrastiveLearningRate, _settings.TotalIterations - _settings.NtpIterations).At(iteration - _settings.NtpIterations);

    public GemStepResult Step(IReadOnlyList<int[]> texts)
    {
        TorchRuntime.EnsureThreadConfigured();
        // One generator per iteration, seeded by (seed, iteration): a resumed run draws what an uninterrupted one would.
        var random = new Random(unchecked(_seed * 1_000_003 + _iteration));
        double alpha = _settings.AlphaAt(_iteration);
        if (alpha > 0 && texts.Count < 2)
        {
            throw new ArgumentException("the contrastive phase needs at least two texts per batch (the others are the negatives)");
        }
        using var scope = NewDisposeScope();
        _model.train();
        _optimizer.LearningRate = LearningRateAt(_iteration);
        _optimizer.ZeroGrad(setToNone: true);
        var device = _logitScale.device;
        var loss = zeros([], ScalarType.Float32, device);
        double? ntp = null, contrastive = null;
        if (alpha < 1)
        {
            var rows = texts.Select(t => _collator.Mixed(t, random)).ToList();
            var batch = GemBatch.Collate(rows, _padId, device);
            var ntpLoss = GemLoss.NextToken(_model.call(batch.InputIds, batch.Mask), batch.Targets);
            ntp = ntpLoss.item<float>();
            using var weight = (1 - alpha).ToScalar();
            loss = loss.add(ntpLoss, alpha: weight);
        }
        if (alpha > 0)
        {
            var clLoss = ContrastiveLoss(texts, random);
            contrastive = clLoss.item<float>();
            using var weight = alpha.ToScalar();
            loss = loss.add(clLoss, alpha: weight);
        }
        loss.backward();
        double norm = GradientClipping.ClipByTotalNorm(_parameters.Select(p => p.Parameter), _settings.MaxGradientNorm);
        _optimizer.Step();
        using (no_grad())
        {
            _logitScale.clamp_(_logitScaleMin, _logitScaleMax);
        }
        var result = new GemStepResult(_iteration, alpha, _optimizer.LearningRate, loss.item<float>(), ntp, contrastive, LogitScale, norm);
        _iteration++;
        return result;
    }

    /// <summary>InfoNCE between each text's special-token embedding and its prefix-dropout twin's, in one forward pass.</summary>
    private Tensor ContrastiveLoss(IReadOnlyList<int[]> texts, Random random)
    {
        using var scope = NewDisposeScope();
        var specials = _collator.SpecialIds;
        var prefixes = texts.Select(t => _collator.ContrastivePrefix(t, random)).ToList();
        var rows = prefixes.Select(p => GemRow.Create(p, specials, []))
            .Concat(prefixes.Select(p => GemRow.Create(_collator.DropPrefix(p, random), specials, [])))
            .ToList();
        var batch = GemBatch.Collate(rows, _padId, _logitScale.device);
        var states = GemLoss.SpecialTokenStates(_model.HiddenStates(batch.InputIds, batch.Mask), rows);
        var queries = states.narrow(0, 0, texts.Count);
        var documents = states.narrow(0, texts.Count, texts.Count);
        return GemLoss.InfoNce(queries, documents, _logitScale).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Writes the model in the Hugging Face layout plus the optimizer state and <see cref="StateFileName"/>
    /// (iteration, logit scale), so a job can stop and <see cref="Resume"/> later.
    /// </summary>
    public void SaveCheckpoint(string folder)
    {
        LlamaCheckpoint.Save(_model, folder);
        var state = new JsonObject { ["iteration"] = _iteration, [LogitScaleName] = LogitScale };
        OptimizerCheckpoint.Save(folder, StateFileName, _optimizer, _parameters.Select(p => p.Name).ToList(), state);
    }

    /// <summary>Restores weights, logit scale, optimizer state and iteration from <see cref="SaveCheckpoint"/>'s folder.</summary>
    public void Resume(string folder)
    {
        var state = OptimizerCheckpoint.ReadState(folder, StateFileName);
        var path = Path.Combine(folder, StateFileName);
        int iteration = state["iteration"] is JsonValue i && i.TryGetValue(out int n) ? n : throw new CheckpointException(path, "no iteration");
        double scale = state[LogitScaleName] is JsonValue s && s.TryGetValue(out double d) ? d : throw new CheckpointException(path, $"no {LogitScaleName}");
        LlamaCheckpoint.LoadWeights(_model, folder);
        OptimizerCheckpoint.Restore(folder, StateFileName, state, _optimizer, _parameters.Select(p => (p.Name, (Tensor)p.Parameter)).ToList());
        using (no_grad())
        {
            using var value = scale.ToScalar();
            _logitScale.fill_(value);
        }
        _iteration = iteration;
    }

    public void Dispose()
    {
        _optimizer.Dispose();
        _logitScale.Dispose();
        _logitScaleMin.Dispose();
        _logitScaleMax.Dispose();
    }
}
