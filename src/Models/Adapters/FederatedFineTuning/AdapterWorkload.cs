using System.Globalization;
using System.Text;
using FedOrleans.Models.Adapters.FineTuning;
using FedOrleans.Models.Data.Partitioning;
using FedOrleans.Models.Federated;
using FedOrleans.Models.Jobs;
using FedOrleans.Models.Llm;
using FedOrleans.Models.Torch;
using FedOrleans.Models.Training;
using TorchSharp;

namespace FedOrleans.Models.Adapters.FederatedFineTuning;

/// <summary>
/// Federated adapter fine-tuning (what the S'MoRE paper did not do): the global model is the adapter's weights
/// only (<see cref="ModelAdapters.ExportWeights"/>), so messages carry adapters and never the frozen base. Each fit
/// loads the base checkpoint, attaches the adapter, imports the global adapter weights, trains them on the
/// client's examples of the answer task (AdamW at the round's learning rate, the experiment's epochs and batch
/// size, batches drawn with the round's seed) and exports them again; the server averages them like any weights.
/// </summary>
/// <remarks>
/// The clients hold the answer task's training examples, split by the experiment's partition over their answers; the
/// server evaluates the global adapter's test accuracy.
/// </remarks>
public sealed class AdapterWorkload(SmoreJobSettings settings, AnswerTask task, Partition partition, int evaluateSamples = 0, TorchSharp.torch.Device? device = null) : IFederatedWorkload
{
    public string Description => $"{settings.Adapter.Describe()} adapter on {settings.Task} ({settings.Base})";

    public int Clients => partition.Clients;

    public EvaluationSite EvaluationSite => EvaluationSite.Server;

    /// <summary>The answer task whose training examples are split over the clients.</summary>
    public AnswerTask Task => task;

    /// <summary>The adapter's initial weights (seeded), the experiment's first global model.</summary>
    public ModelWeights InitialGlobal(ulong seed)
    {
        TorchRuntime.EnsureThreadConfigured();
        using var model = Load();
        using var adapters = ModelAdapters.Apply(model, settings.Adapter, settings.Targets, seed);
        return adapters.ExportWeights();
    }

    public ClientDescription DescribeClient(int client) => new(partition.ClientIndices[client].Length, Unlabelled: false);

    public FitOutcome Fit(int client, ModelWeights global, FitInstructions instructions, float[]? privateState, CancellationToken ct)
    {
        TorchRuntime.EnsureThreadConfigured();
        var examples = partition.ClientIndices[client];
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
    public EvaluationResult EvaluateGlobal(ModelWeights global, CancellationToken ct)
    {
        int limit = evaluateSamples;
        TorchRuntime.EnsureThreadConfigured();
        using var model = Load();
        using var adapters = ModelAdapters.Apply(model, settings.Adapter, settings.Targets, 0);
        adapters.ImportWeights(global);
        var test = limit > 0 ? task.Test.Take(limit).ToList() : task.Test;
        return new EvaluationResult(AdapterFineTuner.Accuracy(model, adapters, task, test, 64), double.NaN, test.Count);
    }

    public ClientEvaluationResult EvaluateClient(int client, ModelWeights global, float[]? privateState, CancellationToken ct) =>
        throw new NotSupportedException("an adapter experiment's server evaluates the global adapter on the task's test split");

    public string ClientsCsv() => PartitionCsv(task, partition);

    public string PartitionSummary() =>
        PartitionSummaries.ClientSizes(partition.ClientIndices.Select(c => c.Length), "examples") + $" of {settings.Task}";

    /// <summary>clients.csv of an adapter experiment: each client's number of training examples of the answer task, per answer.</summary>
    public static string PartitionCsv(AnswerTask task, Partition partition)
    {
        var labels = task.Train.Select(e => e.Answer).ToArray();
        var histograms = partition.ClassHistograms(labels, task.Choices.Count);
        var csv = new StringBuilder($"client,examples,{string.Join(",", task.ChoiceNames)}\n");
        for (int c = 0; c < partition.Clients; c++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{c},{partition.ClientIndices[c].Length},{string.Join(",", histograms[c])}\n");
        }
        return csv.ToString();
    }

    private LlamaForCausalLM Load()
    {
        var model = LlamaCheckpoint.Load(settings.Base);
        model.MoveTo(device);
        return model;
    }
}
