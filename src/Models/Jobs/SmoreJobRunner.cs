using System.Text.Json.Nodes;
using FedOrleans.Models.Adapters;
using FedOrleans.Models.Adapters.FineTuning;
using FedOrleans.Models.Data;
using FedOrleans.Models.Federated;
using FedOrleans.Models.Llm;
using FedOrleans.Models.Llm.Tokenization;
using FedOrleans.Models.Training;
using TorchSharp;

namespace FedOrleans.Models.Jobs;

/// <summary>
/// An adapter fine-tuning job: the checkpoint in <see cref="SmoreJobSettings.Base"/> is frozen, the adapter is attached
/// to its target projections, and one step is one batch of the answer task (AdamW, warm-up and cosine, clipping, the
/// same step as <see cref="AdapterFineTuner"/>). The batch order of an epoch is drawn from (seed, epoch), so a
/// resumed job continues exactly. Validation accuracy is measured at the end of every epoch, test accuracy at the end.
/// A checkpoint holds the adapter only (<c>adapters.safetensors</c>) plus the optimizer state.
/// </summary>
public sealed class SmoreJobRunner : IJobRunner
{
    public const string AdapterFileName = "adapters.safetensors";
    public const string StateFileName = "adapter_state.json";

    private readonly SmoreJobSettings _settings;
    private readonly LlamaForCausalLM _model;
    private readonly ModelAdapters _adapters;
    private readonly AnswerTask _task;
    private readonly LocalOptimizer _optimizer;
    private readonly IReadOnlyList<TorchSharp.Modules.Parameter> _parameters;
    private readonly CosineSchedule _schedule;
    private readonly int _batchesPerEpoch;
    private readonly torch.Generator _noise;

    public SmoreJobRunner(SmoreJobSettings settings, DataCache cache, string? resumeFrom, TorchSharp.torch.Device? device = null)
    {
        _settings = settings;
        var tokenizer = CheckpointTokenizers.ForFolder(settings.Base, []);
        _task = AnswerTasks.Real(settings.Task, cache, tokenizer, settings.FineTune.Seed + 1);
        _model = LlamaCheckpoint.Load(settings.Base);
        if (_task.MaxTokenId() >= _model.Config.VocabSize)
        {
            _model.Dispose();
            throw new ArgumentException($"smore.base {settings.Base} has a vocabulary of {_model.Config.VocabSize}, smaller than its tokenizer's {tokenizer.VocabularySize} ({(tokenizer is Gpt2Tokenizer ? "GPT-2: the folder has no tokenizer files" : "its tokenizer files")})");
        }
        _model.MoveTo(device);
        foreach (var p in _model.parameters())
        {
            p.requires_grad = false;
        }
        _adapters = ModelAdapters.Apply(_model, settings.Adapter, settings.Targets, (ulong)settings.FineTune.Seed);
        _parameters = _adapters.Parameters();
        _optimizer = new LocalOptimizer(_parameters, new TrainerSettings(
            LearningRate: settings.FineTune.LearningRate, Optimizer: OptimizerKind.AdamW, WeightDecay: settings.FineTune.WeightDecay));
        _batchesPerEpoch = (_task.Train.Count + settings.FineTune.BatchSize - 1) / settings.FineTune.BatchSize;
        TotalSteps = _batchesPerEpoch * settings.FineTune.Epochs;
        _schedule = new CosineSchedule(settings.FineTune.LearningRate, TotalSteps, (int)(TotalSteps * settings.FineTune.WarmupFraction));
        _noise = new torch.Generator((ulong)settings.FineTune.Seed + 1);
        _adapters.UseNoiseGenerator(_noise);
        Parameters = _adapters.TrainableParameterCount();
        if (resumeFrom is not null)
        {
            Resume(resumeFrom);
        }
    }

    public int Step { get; private set; }

    public int TotalSteps { get; }

    /// <summary>Trainable (adapter) parameters.</summary>
    public long Parameters { get; }

    public JobStep Advance()
    {
        int epoch = Step / _batchesPerEpoch;
        int batch = Step % _batchesPerEpoch;
        var order = Enumerable.Range(0, _task.Train.Count).ToArray();
        new Random(unchecked(_settings.FineTune.Seed * 1_000_003 + epoch)).Shuffle(order);
        var pairs = order.Skip(batch * _settings.FineTune.BatchSize).Take(_settings.FineTune.BatchSize)
            .Select(i => (_task.Train[i].Prompt, _task.Choices[_task.Train[i].Answer])).ToList();
        _adapters.Train();
        _optimizer.LearningRate = _schedule.At(Step);
        double loss = AdapterFineTuner.TrainStep(_model, _adapters, _optimizer, _parameters, pairs, _settings.FineTune.MaxGradNorm);
        Step++;
        double? accuracy = null;
        if (Step == TotalSteps)
        {
            accuracy = AdapterFineTuner.Accuracy(_model, _adapters, _task, _task.Test, _settings.FineTune.EvaluationBatchSize);
        }
        else if (Step % _batchesPerEpoch == 0)
        {
            accuracy = AdapterFineTuner.Accuracy(_model, _adapters, _task, _task.Validation, _settings.FineTune.EvaluationBatchSize);
        }
        return new JobStep(Step, loss, _optimizer.LearningRate, "accuracy (validation per epoch, test at the end)", accuracy, Evaluated: accuracy is not null);
    }

    public void SaveCheckpoint(string folder)
    {
        Directory.CreateDirectory(folder);
        _adapters.Save(Path.Combine(folder, AdapterFileName));
        OptimizerCheckpoint.Save(folder, StateFileName, _optimizer, _adapters.NamedParameters().Select(p => p.Name).ToList(),
            new JsonObject { ["step"] = Step, ["adapter"] = _settings.Adapter.Describe(), ["task"] = _task.Describe(), ["trainable_parameters"] = Parameters });
    }

    public void Resume(string folder)
    {
        var state = OptimizerCheckpoint.ReadState(folder, StateFileName);
        int step = state["step"] is JsonValue v && v.TryGetValue(out int s) ? s : throw new CheckpointException(Path.Combine(folder, StateFileName), "no step");
        _adapters.Load(Path.Combine(folder, AdapterFileName));
        OptimizerCheckpoint.Restore(folder, StateFileName, state, _optimizer, _adapters.NamedParameters().Select(p => (p.Name, (torch.Tensor)p.Parameter)).ToList());
        Step = step;
    }

    public void Dispose()
    {
        _adapters.UseNoiseGenerator(null);
        _optimizer.Dispose();
        _adapters.Dispose();
        _model.Dispose();
        _noise.Dispose();
    }
}
