using FedOrleans.Models.Federated;
using FedOrleans.Models.Jobs;
using FedOrleans.Models.Llm;
using FedOrleans.Models.Torch;
using FedOrleans.Models.Training;
using TorchSharp;

namespace FedOrleans.Models.Adapters.FineTuning;

/// <summary>
/// Federated adapter fine-tuning (what the S'MoRE paper did not do): the global model is the adapter's weights
/// only (<see cref="ModelAdapters.ExportWeights"/>), so messages carry adapters and never the frozen base. Each fit
/// loads the base checkpoint, attaches the adapter, imports the global adapter weights, trains them on the
/// client's examples of the answer task (AdamW at the round's learning rate, the experiment's epochs and batch
/// size, batches drawn with the round's seed) and exports them again; the server averages them like any weights.
/// </summary>
public sealed class FederatedAdapterTrainer(SmoreJobSettings settings)
{
    /// <summary>The adapter's initial weights (seeded), the experiment's first global model.</summary>
    public ModelWeights InitialGlobal(ulong seed)
    {
        TorchRuntime.EnsureThreadConfigured();
        using var model = Load();
        using var adapters = ModelAdapters.Apply(model, settings.Adapter, settings.Targets, seed);
        return adapters.ExportWeights();
    }

    public FitOutcome Fit(ModelWeights global, FitInstructions instructions, AnswerTask task, int[] examples, CancellationToken ct)
    {
        TorchRuntime.EnsureThreadConfigured();
        if (examples.Length == 0)
        {
            return new FitOutcome(global, 0, double.NaN);
        }
        using var model = Load();
        using var adapters = ModelAdapters.Apply(model, settings.Adapter, settings.Targets, instructions.Seed);
        adapters.ImportWeights(global);
        var parameters = adapters.Parameters();
        var train = instructions.Settings;
        using var optimizer = new LocalOptimizer(parameters, new TrainerSettings(LearningRate: train.LearningRate, Optimizer: OptimizerKind.AdamW, WeightDecay: train.WeightDecay));
        using var noise = new torch.Generator(instructions.Seed);
        adapters.UseNoiseGenerator(noise);
        var random = new Random(unchecked((int)instructions.Seed));
        var order = (int[])examples.Clone();
        double sum = 0;
        int steps = 0;
        try
        {
            adapters.Train();
            for (int epoch = 0; epoch < train.Epochs; epoch++)
            {
                random.Shuffle(order);
                foreach (var batch in order.Chunk(train.BatchSize))
                {
                    ct.ThrowIfCancellationRequested();
                    var pairs = batch.Select(i => (task.Train[i].Prompt, task.Choices[task.Train[i].Answer])).ToList();
                    sum += AdapterFineTuner.TrainStep(model, adapters, optimizer, parameters, pairs, 1.0);
                    steps++;
                }
            }
        }
        finally
        {
            adapters.UseNoiseGenerator(null);
        }
        return new FitOutcome(adapters.ExportWeights(), examples.Length, sum / steps);
    }

    /// <summary>Test accuracy of the global adapter (answer-token log-likelihood over the choices); the loss is not measured (NaN).</summary>
    public EvaluationResult Evaluate(ModelWeights global, AnswerTask task, int limit)
    {
        TorchRuntime.EnsureThreadConfigured();
        using var model = Load();
        using var adapters = ModelAdapters.Apply(model, settings.Adapter, settings.Targets, 0);
        adapters.ImportWeights(global);
        var test = limit > 0 ? task.Test.Take(limit).ToList() : task.Test;
        return new EvaluationResult(AdapterFineTuner.Accuracy(model, adapters, task, test, 64), double.NaN, test.Count);
    }

    private LlamaForCausalLM Load()
    {
        var model = LlamaCheckpoint.Load(settings.Base);
        model.MoveToRuntimeDevice();
        return model;
    }
}
