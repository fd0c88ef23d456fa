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
    public const int BatchSize = 2000;

    /// <summary>The largest evaluation set kept as float tensors between evaluations (MNIST's test set: 31 MB).</summary>
    public const long CachedBytesLimit = 256L << 20;

    /// <summary>Per dataset: its first samples as float features and int64 labels, made once (<see cref="EvaluationTensors"/>).</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Dataset, EvaluationSet> Cached = new();

    private sealed record EvaluationSet(int Count, int Channels, string Device, Tensor Features, Tensor Labels);

    /// <param name="model">The architecture.</param>
    /// <param name="shape">Its input shape.</param>
    /// <param name="weights">The weights to evaluate.</param>
    /// <param name="data">A labelled dataset.</param>
    /// <param name="ct">Cancels between batches.</param>
    /// <param name="limit">Evaluate the first <paramref name="limit"/> samples only (0: all).</param>
    /// <param name="device">Where the model and the evaluation set live (the CPU when null).</param>
    public static EvaluationResult Evaluate(ModelSpec model, InputShape shape, ModelWeights weights, Dataset data, CancellationToken ct = default, int limit = 0, Device? device = null)
    {
        device ??= CPU;
        TorchRuntime.EnsureThreadConfigured();
        using var scope = NewDisposeScope();
        using var module = ModelFactory.Create(model, shape);
        module.to(device);
        ParameterVector.Write(module, weights.Values);
        module.eval();
        using var _ = no_grad();
        long correct = 0;
        double lossSum = 0;
        int count = limit > 0 ? Math.Min(limit, data.Count) : data.Count;
        var (features, labels) = EvaluationTensors(data, count, shape.Channels, device);
        for (int start = 0; start < count; start += BatchSize)
        {
            ct.ThrowIfCancellationRequested();
            using var batchScope = NewDisposeScope();
            int length = Math.Min(BatchSize, count - start);
            var logits = module.call(features.narrow(0, start, length));
            var y = labels.narrow(0, start, length);
            lossSum += nn.functional.cross_entropy(logits, y, reduction: nn.Reduction.Sum).item<float>();
            correct += logits.argmax(1).eq(y).sum().item<long>();
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
        long bytes = (long)count * Math.Max(channels, data.Channels) * data.Height * data.Width * sizeof(float);
        var all = Enumerable.Range(0, count).ToArray();
        if (bytes > CachedBytesLimit)
        {
            return (TensorBatches.Features(data, all, device, channels), TensorBatches.Labels(data, all, device));
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
                TensorBatches.Features(data, all, device, channels).DetachFromDisposeScope(), TensorBatches.Labels(data, all, device).DetachFromDisposeScope());
            // The one it replaces may still be read by an evaluation on another thread: its finalizer frees it.
            Cached.AddOrUpdate(data, set);
            return (set.Features, set.Labels);
        }
    }
}
