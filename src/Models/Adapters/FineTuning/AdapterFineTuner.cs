using FedOrleans.Models.Federated;
using FedOrleans.Models.Llm;
using FedOrleans.Models.Torch;
using FedOrleans.Models.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FedOrleans.Models.Adapters.FineTuning;

/// <summary>
/// Fine-tunes the adapters of a frozen <see cref="LlamaForCausalLM"/> on an <see cref="AnswerTask"/> for any adapter
/// kind: the loss is the cross-entropy of the answer tokens after each prompt plus the adapters' auxiliary losses;
/// accuracy picks the choice with the highest summed answer-token log-likelihood.
/// </summary>
public static class AdapterFineTuner
{
    private const long IgnoreIndex = -100;

    /// <remarks><paramref name="inspect"/> (diagnostics) is called with <c>init</c> before the first step and <c>epoch k</c> after each epoch.</remarks>
    public static FineTuneOutcome Fit(LlamaForCausalLM model, ModelAdapters adapters, AnswerTask task, FineTuneSettings settings,
        IProgress<string>? progress = null, CancellationToken ct = default, Action<string>? inspect = null)
    {
        settings.Validate();
        TorchRuntime.EnsureThreadConfigured();
        model.eval();
        double initial = Accuracy(model, adapters, task, task.Test, settings.EvaluationBatchSize);
        var parameters = adapters.Parameters();
        using var optimizer = new LocalOptimizer(parameters, new TrainerSettings(
            LearningRate: settings.LearningRate, Optimizer: OptimizerKind.AdamW, WeightDecay: settings.WeightDecay));
        int batchesPerEpoch = (task.Train.Count + settings.BatchSize - 1) / settings.BatchSize;
        int totalSteps = batchesPerEpoch * settings.Epochs;
        var schedule = new CosineSchedule(settings.LearningRate, totalSteps, (int)(totalSteps * settings.WarmupFraction));
        using var noise = new Generator((ulong)settings.Seed + 1);
        adapters.UseNoiseGenerator(noise);
        var random = new Random(settings.Seed);
        var order = Enumerable.Range(0, task.Train.Count).ToArray();
        var losses = new List<double>();
        var validation = new List<double>();
        int step = 0;
        inspect?.Invoke("init");
        try
        {
            for (int epoch = 0; epoch < settings.Epochs; epoch++)
            {
                random.Shuffle(order);
                adapters.Train();
                double sum = 0;
                for (int b = 0; b < batchesPerEpoch; b++)
                {
                    ct.ThrowIfCancellationRequested();
                    var batch = order.Skip(b * settings.BatchSize).Take(settings.BatchSize)
                        .Select(i => (task.Train[i].Prompt, task.Choices[task.Train[i].Answer])).ToList();
                    optimizer.LearningRate = schedule.At(step);
                    sum += TrainStep(model, adapters, optimizer, parameters, batch, settings.MaxGradNorm);
                    step++;
                }
                losses.Add(sum / batchesPerEpoch);
                validation.Add(Accuracy(model, adapters, task, task.Validation, settings.EvaluationBatchSize));
                inspect?.Invoke($"epoch {epoch + 1}");
                progress?.Report($"{task.Name} {adapters.Settings.Describe()} epoch {epoch + 1}: loss {losses[^1]:F4}, validation accuracy {validation[^1]:F4}");
            }
        }
        finally
        {
            adapters.UseNoiseGenerator(null);
        }
        double test = Accuracy(model, adapters, task, task.Test, settings.EvaluationBatchSize);
        return new FineTuneOutcome(losses, validation, initial, test, step, adapters.TrainableParameterCount());
    }

    /// <summary>The share of <paramref name="examples"/> whose best-scoring choice (summed answer-token log-likelihood) is the answer.</summary>
    public static double Accuracy(LlamaForCausalLM model, ModelAdapters adapters, AnswerTask task, IReadOnlyList<AnswerExample> examples, int batchSize)
    {
        if (examples.Count == 0)
        {
            return double.NaN;
        }
        TorchRuntime.EnsureThreadConfigured();
        adapters.Eval();
        model.eval();
        var pairs = examples.SelectMany(e => task.Choices.Select(c => (e.Prompt, c))).ToList();
        var scores = new double[pairs.Count];
        for (int start = 0; start < pairs.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var batch = pairs.Skip(start).Take(batchSize).ToList();
            var (ids, mask, targets) = Collate(batch, model);
            var (logits, _) = adapters.Forward(model, ids, mask);
            var logProbabilities = logits.log_softmax(-1);
            var valid = targets.ne(IgnoreIndex);
            var picked = logProbabilities.gather(-1, targets.clamp_min(0).unsqueeze(-1)).squeeze(-1);
            var perSequence = picked.mul(valid.to_type(picked.dtype)).sum(1).to_type(ScalarType.Float64).cpu().data<double>().ToArray();
            perSequence.CopyTo(scores, start);
        }
        int correct = 0;
        for (int i = 0; i < examples.Count; i++)
        {
            int best = 0;
            for (int c = 1; c < task.Choices.Count; c++)
            {
                if (scores[i * task.Choices.Count + c] > scores[i * task.Choices.Count + best])
                {
                    best = c;
                }
            }
            correct += best == examples[i].Answer ? 1 : 0;
        }
        return (double)correct / examples.Count;
    }

    /// <summary>One optimisation step on a batch of (prompt, answer) pairs: answer-token cross-entropy plus the adapters' auxiliary losses.</summary>
    internal static double TrainStep(LlamaForCausalLM model, ModelAdapters adapters, LocalOptimizer optimizer,
        IReadOnlyList<TorchSharp.Modules.Parameter> parameters, IReadOnlyList<(int[] Prompt, int[] Answer)> batch, double maxGradNorm)
    {
        using var scope = NewDisposeScope();
        optimizer.ZeroGrad();
        var (ids, mask, targets) = Collate(batch, model);
        var (logits, aux) = adapters.Forward(model, ids, mask);
        var loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), targets.reshape(-1), ignore_index: IgnoreIndex);
        if (aux is not null)
        {
            loss = loss.add(aux, alpha: TorchScalars.One);
        }
        loss.backward();
        GradientClipping.ClipByTotalNorm(parameters, maxGradNorm);
        optimizer.Step();
        return loss.item<float>();
    }

    /// <summary>
    /// Right-padded <c>prompt ++ answer</c> sequences: input ids <c>[B, T]</c>, token mask <c>[B, T]</c>, and targets where
    /// position <c>i</c> holds the answer token at <c>i + 1</c> (ignore index elsewhere).
    /// </summary>
    internal static (Tensor Ids, Tensor Mask, Tensor Targets) Collate(IReadOnlyList<(int[] Prompt, int[] Answer)> batch, LlamaForCausalLM model)
    {
        int length = batch.Max(p => p.Prompt.Length + p.Answer.Length);
        var ids = new long[batch.Count * length];
        var mask = new float[batch.Count * length];
        var targets = new long[batch.Count * length];
        Array.Fill(targets, IgnoreIndex);
        for (int b = 0; b < batch.Count; b++)
        {
            var (prompt, answer) = batch[b];
            int offset = b * length;
            for (int i = 0; i < prompt.Length; i++)
            {
                ids[offset + i] = prompt[i];
                mask[offset + i] = 1;
            }
            for (int j = 0; j < answer.Length; j++)
            {
                ids[offset + prompt.Length + j] = answer[j];
                mask[offset + prompt.Length + j] = 1;
                targets[offset + prompt.Length + j - 1] = answer[j];
            }
        }
        var device = model.parameters().First().device;
        return (tensor(ids, [batch.Count, length]).to(device), tensor(mask, [batch.Count, length]).to(device), tensor(targets, [batch.Count, length]).to(device));
    }
}
