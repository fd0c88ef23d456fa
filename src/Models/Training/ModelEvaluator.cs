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

    /// <param name="model">The architecture.</param>
    /// <param name="shape">Its input shape.</param>
    /// <param name="weights">The weights to evaluate.</param>
    /// <param name="data">A labelled dataset.</param>
    /// <param name="ct">Cancels between batches.</param>
    /// <param name="limit">Evaluate the first <paramref name="limit"/> samples only (0: all).</param>
    public static EvaluationResult Evaluate(ModelSpec model, InputShape shape, ModelWeights weights, Dataset data, CancellationToken ct = default, int limit = 0)
    {
        TorchRuntime.EnsureThreadConfigured();
        using var scope = NewDisposeScope();
        using var module = ModelFactory.Create(model, shape);
        module.to(TorchRuntime.Device);
        ParameterVector.Write(module, weights.Values);
        module.eval();
        using var _ = no_grad();
        long correct = 0;
        double lossSum = 0;
        int count = limit > 0 ? Math.Min(limit, data.Count) : data.Count;
        var all = Enumerable.Range(0, count).ToArray();
        for (int start = 0; start < count; start += BatchSize)
        {
            ct.ThrowIfCancellationRequested();
            using var batchScope = NewDisposeScope();
            var indices = all.AsSpan(start, Math.Min(BatchSize, count - start));
            var logits = module.call(TensorBatches.Features(data, indices, shape.Channels));
            var y = TensorBatches.Labels(data, indices);
            lossSum += nn.functional.cross_entropy(logits, y, reduction: nn.Reduction.Sum).item<float>();
            correct += logits.argmax(1).eq(y).sum().item<long>();
        }
        return new EvaluationResult((double)correct / count, lossSum / count, count);
    }
}
