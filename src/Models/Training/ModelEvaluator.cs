using FedOrleans.Models.Data;
using FedOrleans.Models.Federated;
using FedOrleans.Models.Nn;
using FedOrleans.Models.Torch;
using static TorchSharp.torch;

namespace FedOrleans.Models.Training;

/// <summary>Server-side evaluation of global weights on a labelled dataset.</summary>
public static class ModelEvaluator
{
    public const int BatchSize = 2000;

    public static EvaluationResult Evaluate(ModelSpec model, InputShape shape, ModelWeights weights, Dataset data, CancellationToken ct = default)
    {
        TorchRuntime.EnsureThreadConfigured();
        using var scope = NewDisposeScope();
        using var module = ModelFactory.Create(model, shape);
        ParameterVector.Write(module, weights.Values);
        module.eval();
        using var _ = no_grad();
        long correct = 0;
        double lossSum = 0;
        var all = Enumerable.Range(0, data.Count).ToArray();
        for (int start = 0; start < data.Count; start += BatchSize)
        {
            ct.ThrowIfCancellationRequested();
            using var batchScope = NewDisposeScope();
            var indices = all.AsSpan(start, Math.Min(BatchSize, data.Count - start));
            var logits = module.call(TensorBatches.Features(data, indices));
            var y = TensorBatches.Labels(data, indices);
            lossSum += nn.functional.cross_entropy(logits, y, reduction: nn.Reduction.Sum).item<float>();
            correct += logits.argmax(1).eq(y).sum().item<long>();
        }
        return new EvaluationResult((double)correct / data.Count, lossSum / data.Count, data.Count);
    }
}
