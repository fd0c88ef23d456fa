using FedOrleans.Models.Data;
using FedOrleans.Models.Federated;
using FedOrleans.Models.Nn;
using FedOrleans.Models.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace FedOrleans.Models.Training;

/// <summary>Server-side evaluation of global weights on a labelled dataset.</summary>
public static class ModelEvaluator
{
    public const int BatchSize = 1000;

    /// <summary>The largest evaluation set kept as float tensors between evaluations (MNIST's test set: 31 MB).</summary>
    public const long CachedBytesLimit = 256L << 20;

    /// <summary>Per dataset: its first samples as float features and int64 labels, made once (<see cref="EvaluationTensors"/>).</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Dataset, EvaluationSet> Cached = new();

    /// <summary>One batch's correct answers and summed loss.</summary>
    public sealed record BatchSums(int Batch, long Correct, float Loss);

    /// <summary>What one part of an evaluation found, batch by batch (<see cref="EvaluatePart"/>).</summary>
    public sealed record EvaluationPart(int Count, IReadOnlyList<BatchSums> Batches);

    private sealed record EvaluationSet(int Count, int Channels, string Device, Tensor Features, Tensor Labels);

    /// <param name="model">The architecture.</param>
    /// <param name="shape">Its input shape.</param>
    /// <param name="weights">The weights to evaluate.</param>
    /// <param name="data">A labelled dataset.</param>
    /// <param name="ct">Cancels between batches.</param>
    /// <param name="limit">Evaluate the first <paramref name="limit"/> samples only (0: all).</param>
    /// <param name="device">Where the model and the evaluation set live (the CPU when null).</param>
    public static EvaluationResult Evaluate(ModelSpec model, InputShape shape, ModelWeights weights, Dataset data, CancellationToken ct = default, int limit = 0, Device? device = null) =>
        Combine([EvaluatePart(model, shape, weights, data, 0, 1, ct, limit, device)]);

    /// <summary>
    /// Part <paramref name="part"/> of <paramref name="parts"/> of an evaluation: the batches <c>part, part + parts, ...</c>
    /// (of <see cref="BatchSize"/> samples), so that several threads can share one evaluation. <see cref="Combine"/>
    /// adds the batches up in batch order, so the result is the same for any number of parts.
    /// </summary>
    public static EvaluationPart EvaluatePart(ModelSpec model, InputShape shape, ModelWeights weights, Dataset data, int part, int parts,
        CancellationToken ct = default, int limit = 0, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(part);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(part, parts);
        int count = EvaluationCount(data, limit);
        if (part * BatchSize >= count && part > 0)
        {
            return new EvaluationPart(count, []); // more parts than batches
        }
        device ??= CPU;
        TorchRuntime.EnsureThreadConfigured();
        using var scope = NewDisposeScope();
        using var module = ModelFactory.Create(model, shape);
        module.to(device);
        ParameterVector.Write(module, weights.Values);
        module.eval();
        using var _ = no_grad();
        var (features, labels) = EvaluationTensors(data, count, shape.Channels, device);
        var batches = new List<BatchSums>();
        for (int batch = part; batch * BatchSize < count; batch += parts)
        {
            ct.ThrowIfCancellationRequested();
            using var batchScope = NewDisposeScope();
            int start = batch * BatchSize;
            int length = Math.Min(BatchSize, count - start);
            var logits = module.call(features.narrow(0, start, length));
            var y = labels.narrow(0, start, length);
            float loss = nn.functional.cross_entropy(logits, y, reduction: nn.Reduction.Sum).item<float>();
            batches.Add(new BatchSums(batch, logits.argmax(1).eq(y).sum().item<long>(), loss));
        }
        return new EvaluationPart(count, batches);
    }

    /// <summary>
    /// Builds the evaluation set's tensors now (those <see cref="EvaluatePart"/> with the same <paramref name="limit"/> and
    /// device would use), so that the first evaluation does not pay for them: a caller runs it beside other work, e.g. while
    /// an experiment's first round gathers its clients. A set too large to keep is not built.
    /// </summary>
    public static void PrepareEvaluation(Dataset data, int channels, int limit = 0, Device? device = null)
    {
        int count = EvaluationCount(data, limit);
        if (!Cacheable(data, count, channels))
        {
            return;
        }
        TorchRuntime.EnsureThreadConfigured();
        _ = EvaluationTensors(data, count, channels, device ?? CPU);
    }

    /// <summary>How many of <paramref name="data"/>'s first samples an evaluation limited to <paramref name="limit"/> uses (0: all).</summary>
    private static int EvaluationCount(Dataset data, int limit) => limit > 0 ? Math.Min(limit, data.Count) : data.Count;

    /// <summary>Whether <paramref name="count"/> samples as float features fit within <see cref="CachedBytesLimit"/>.</summary>
    private static bool Cacheable(Dataset data, int count, int channels) =>
        (long)count * Math.Max(channels, data.Channels) * data.Height * data.Width * sizeof(float) <= CachedBytesLimit;

    /// <summary>The parts of one evaluation as its result: correct answers and losses added up in batch order.</summary>
    public static EvaluationResult Combine(IEnumerable<EvaluationPart> parts)
    {
        var all = parts.ToList();
        int count = all[0].Count;
        long correct = 0;
        double lossSum = 0;
        foreach (var batch in all.SelectMany(p => p.Batches).OrderBy(b => b.Batch))
        {
            correct += batch.Correct;
            lossSum += batch.Loss;
        }
        return new EvaluationResult((double)correct / count, lossSum / count, count);
    }

    /// <summary>
    /// The first <paramref name="count"/> samples as float features and int64 labels on the device. The same set is
    /// evaluated every few rounds, so it is converted once and kept with the dataset (up to
    /// <see cref="CachedBytesLimit"/>); building it cost 25-45 ms of every evaluation of MNIST's test set, and
    /// B1 evaluates eleven times. The batches are views of it: the same float32 values as batches built one by one.
    /// A larger set is built again each time, and disposed with the caller's scope.
    /// </summary>
    private static (Tensor Features, Tensor Labels) EvaluationTensors(Dataset data, int count, int channels, Device device)
    {
        var all = Enumerable.Range(0, count).ToArray(); // the labels are picked by index
        if (!Cacheable(data, count, channels))
        {
            return (TensorBatches.FirstFeatures(data, count, device, channels), TensorBatches.Labels(data, all, device));
        }
        string where = device.ToString();
        lock (Cached)
        {
            if (Cached.TryGetValue(data, out var set) && set.Count == count && set.Channels == channels && set.Device == where)
            {
                return (set.Features, set.Labels);
            }
            using var outside = NewDisposeScope();
            set = new EvaluationSet(count, channels, where,
                TensorBatches.FirstFeatures(data, count, device, channels).DetachFromDisposeScope(), TensorBatches.Labels(data, all, device).DetachFromDisposeScope());
            // The one it replaces may still be read by an evaluation on another thread: its finalizer frees it.
            Cached.AddOrUpdate(data, set);
            return (set.Features, set.Labels);
        }
    }
}
