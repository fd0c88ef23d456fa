using FedOrleans.Models.Federated;
using FedOrleans.Models.Nn;
using TorchSharp;
using FedOrleans.Models.Torch;
using static TorchSharp.torch;

namespace FedOrleans.Models.Training;

/// <summary>
/// Local supervised training with cross-entropy: epochs of shuffled minibatches (order from the fit's
/// own generator; dropout masks from a second one, <see cref="SeededDropout"/>), SGD or Adam, and FedProx's proximal
/// term when <see cref="TrainerSettings.ProximalMu"/> &gt; 0. Parameters and gradients live in two flat vectors
/// (<see cref="FlatParameters"/>). Each step's loss stays on the device and all are read once per fit (a per-step read
/// would stall a GPU every step).
/// An unlabelled client trains nothing and reports zero samples. Scalars passed to libtorch are
/// created explicitly and kept alive (see <see cref="LocalOptimizer"/>).
/// </summary>
/// <param name="device">Where the model and batches live (the CPU when null).</param>
public sealed class SupervisedTrainer(ModelSpec model, InputShape shape, Device? device = null) : ILocalTrainer
{
    private readonly Device _device = device ?? CPU;

    public FitOutcome Fit(ModelWeights global, FitInstructions instructions, ClientShard shard, CancellationToken ct)
    {
        if (shard.Unlabelled || shard.Count == 0)
        {
            return new FitOutcome(global, 0, double.NaN);
        }
        TorchRuntime.EnsureThreadConfigured();
        var s = instructions.Settings;
        using var scope = NewDisposeScope();
        using var module = ModelFactory.Create(model, shape);
        module.to(_device);
        var parameters = module.parameters().ToList();
        using var flat = new FlatParameters(parameters, _device);
        flat.Write(global.Values);
        var anchors = s.ProximalMu > 0 ? parameters.Select(p => p.detach().clone()).ToList() : null;
        using var generator = new Generator(instructions.Seed);
        // Dropout masks from a stream of their own, so that the shuffling stays that of a fit without dropout.
        using var dropoutStream = model.Dropout > 0 ? new Generator(SeedMixer.Mix(instructions.Seed, SeedMixer.DropoutPurpose)) : null;
        if (dropoutStream is not null)
        {
            SeededDropout.Attach(module, dropoutStream);
        }
        using var optimizer = new LocalOptimizer([flat.Values], s);
        using var halfMu = (s.ProximalMu / 2).ToScalar();
        var x = TensorBatches.Features(shard.Dataset, shard.Indices, _device, shape.Channels);
        var y = TensorBatches.Labels(shard.Dataset, shard.Indices, _device);
        int n = shard.Count;
        // Each step's mean loss stays on the device and is read once at the end, with its batch size (batch sizes are known
        // here, so no step asks a tensor for its shape: a step of a small model is mostly native calls).
        var stepLosses = new List<Tensor>();
        var stepCounts = new List<int>();
        bool onCpu = _device.type == DeviceType.CPU;
        long seen = 0;
        module.train();
        for (int epoch = 0; epoch < s.Epochs; epoch++)
        {
            using var order = randperm(n, generator: generator);
            for (int start = 0; start < n; start += s.BatchSize)
            {
                ct.ThrowIfCancellationRequested();
                using var batchScope = NewDisposeScope();
                int count = Math.Min(s.BatchSize, n - start);
                var idx = order.narrow(0, start, count);
                if (!onCpu)
                {
                    idx = idx.to(_device);
                }
                var logits = module.call(x.index_select(0, idx));
                var loss = nn.functional.cross_entropy(logits, y.index_select(0, idx));
                stepLosses.Add(loss.detach().MoveToOuterDisposeScope());
                stepCounts.Add(count);
                seen += count;
                if (anchors is not null)
                {
                    var proximal = parameters.Zip(anchors, (p, a) => p.sub(a).square().sum()).Aggregate((a, b) => a.add(b, alpha: TorchScalars.One));
                    loss = loss.add(proximal, alpha: halfMu);
                }
                optimizer.ZeroGrad();
                loss.backward();
                optimizer.Step();
            }
        }
        return new FitOutcome(new ModelWeights(flat.Read()), n, LossSum(stepLosses, stepCounts) / Math.Max(seen, 1));
    }

    /// <summary>The steps' losses weighted by their batch sizes, added in step order in double precision (one read).</summary>
    private static double LossSum(List<Tensor> losses, List<int> counts)
    {
        if (losses.Count == 0)
        {
            return 0;
        }
        using var all = stack(losses).cpu();
        var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(all.bytes);
        double sum = 0;
        for (int i = 0; i < values.Length; i++)
        {
            sum += (double)values[i] * counts[i];
        }
        return sum;
    }
}
