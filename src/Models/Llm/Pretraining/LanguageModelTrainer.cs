using System.Text.Json.Nodes;
using FedOrleans.Models.Federated;
using FedOrleans.Models.Torch;
using FedOrleans.Models.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedOrleans.Models.Llm.Pretraining;

/// <summary>
/// Pre-trains a <see cref="LlamaForCausalLM"/> on a token stream (next-token cross-entropy), as described by
/// <see cref="PretrainingSettings"/>. Step s draws its batch from a generator seeded with (seed, s), so a run
/// resumed from a checkpoint continues with exactly the batches an uninterrupted run would have seen.
/// Checkpoints are Hugging Face folders (config.json, model.safetensors) plus <c>optimizer.safetensors</c>
/// (AdamW moments, see OptimizerCheckpoint) and <c>trainer_state.json</c> (step). The trainer does not own the model.
/// </summary>
public sealed class LanguageModelTrainer : IDisposable
{
    public const string StateFileName = "trainer_state.json";

    private readonly LlamaForCausalLM _model;
    private readonly PretrainingSettings _settings;
    private readonly int[] _train;
    private readonly int[] _validation;
    private readonly List<(string Name, Parameter Parameter)> _parameters;
    private readonly LocalOptimizer _optimizer;
    private readonly CosineSchedule _schedule;

    public LanguageModelTrainer(LlamaForCausalLM model, PretrainingSettings settings, int[] train, int[] validation)
    {
        settings.Validate();
        _model = model;
        _settings = settings;
        _train = train;
        _validation = validation;
        _parameters = model.named_parameters().Select(p => (p.name, p.parameter)).ToList();
        _optimizer = new LocalOptimizer(_parameters.Select(p => p.Parameter).ToList(), new TrainerSettings(
            LearningRate: settings.PeakLearningRate, Optimizer: OptimizerKind.AdamW, WeightDecay: settings.WeightDecay));
        _schedule = new CosineSchedule(settings.PeakLearningRate, settings.Steps, settings.WarmupSteps, settings.MinLearningRate);
    }

    /// <summary>Steps done so far (restored by <see cref="Resume"/>).</summary>
    public int Step { get; private set; }

    private Device Device => _parameters[0].Parameter.device;

    /// <summary>One optimisation step on a random batch; returns its training loss and gradient norm.</summary>
    public PretrainingReport TrainStep()
    {
        TorchRuntime.EnsureThreadConfigured();
        using var scope = NewDisposeScope();
        _model.train();
        _optimizer.LearningRate = _schedule.At(Step);
        _optimizer.ZeroGrad(setToNone: true);
        var random = new Random(unchecked(_settings.Seed * 1_000_003 + Step));
        var (inputs, targets) = TokenBatches.Sample(_train, _settings.BatchSize, _settings.SequenceLength, random, Device);
        var logits = _model.call(inputs, null);
        var loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), targets.reshape(-1));
        loss.backward();
        double norm = GradientClipping.ClipByTotalNorm(_parameters.Select(p => p.Parameter), _settings.MaxGradientNorm);
        _optimizer.Step();
        Step++;
        return new PretrainingReport(Step, _optimizer.LearningRate, loss.item<float>(), norm, null);
    }

    /// <summary>Mean next-token cross-entropy (nats per token) on the first validation batches.</summary>
    public double ValidationLoss() =>
        Evaluation.HeldOutPerplexity.MeanLoss(_model, _validation, _settings.SequenceLength, _settings.BatchSize, _settings.ValidationBatches).MeanLoss;

    /// <summary>exp(validation loss).</summary>
    public double ValidationPerplexity() => Math.Exp(ValidationLoss());

    /// <summary>
    /// Trains until <see cref="PretrainingSettings.Steps"/> (from wherever <see cref="Step"/> is), measuring
    /// validation perplexity every <see cref="PretrainingSettings.EvaluateEvery"/> steps and at the end, and
    /// checkpointing to <paramref name="checkpointFolder"/> (when given) on schedule and at the end.
    /// </summary>
    public IReadOnlyList<PretrainingReport> Run(string? checkpointFolder = null, IProgress<PretrainingReport>? progress = null, CancellationToken ct = default)
    {
        var reports = new List<PretrainingReport>();
        while (Step < _settings.Steps)
        {
            ct.ThrowIfCancellationRequested();
            var report = TrainStep();
            bool last = Step == _settings.Steps;
            if (Step % _settings.EvaluateEvery == 0 || last)
            {
                report = report with { ValidationPerplexity = ValidationPerplexity() };
            }
            if (checkpointFolder is not null && (last || (_settings.CheckpointEvery > 0 && Step % _settings.CheckpointEvery == 0)))
            {
                SaveCheckpoint(checkpointFolder);
            }
            reports.Add(report);
            progress?.Report(report);
        }
        return reports;
    }

    public void SaveCheckpoint(string folder)
    {
        LlamaCheckpoint.Save(_model, folder);
        OptimizerCheckpoint.Save(folder, StateFileName, _optimizer, _parameters.Select(p => p.Name).ToList(), new JsonObject { ["step"] = Step });
    }

    /// <summary>Restores the model weights, the optimizer state and the step from a checkpoint folder.</summary>
    public void Resume(string folder)
    {
        var state = OptimizerCheckpoint.ReadState(folder, StateFileName);
        int step = state["step"] is JsonValue v && v.TryGetValue(out int s) ? s : throw new CheckpointException(Path.Combine(folder, StateFileName), "no step");
        LlamaCheckpoint.LoadWeights(_model, folder);
        OptimizerCheckpoint.Restore(folder, StateFileName, state, _optimizer, _parameters.Select(p => (p.Name, (Tensor)p.Parameter)).ToList());
        Step = step;
    }

    public void Dispose() => _optimizer.Dispose();
}
