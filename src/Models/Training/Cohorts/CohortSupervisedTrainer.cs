using FedOrleans.Models.Federated;
using FedOrleans.Models.Nn;
using FedOrleans.Models.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace FedOrleans.Models.Training.Cohorts;

/// <summary>
/// Trains K clients of one round as one batched model: every parameter is stacked <c>[K, ...]</c>, linear
/// layers are one batched matmul (convolutions run per client), the loss is each client's own mean
/// cross-entropy, and the optimizer (SGD with momentum and weight decay, Adam, AdamW; FedProx's proximal
/// term) keeps per-client state. Each client keeps what its one-at-a-time <see cref="SupervisedTrainer"/> fit
/// has: its own shuffling generator (seeded from its instructions), its own number of steps and batch sizes
/// (clients run longest first, so a client with a smaller shard drops out of the batch when its fit ends and its
/// weights and optimizer state are not touched again; a short last batch is masked in its loss),
/// so each client's outcome equals its single fit up to float rounding; and each client's arithmetic does not
/// depend on who else is in the cohort, so results are the same for any split of a round into cohorts.
/// The training loss is accumulated on the device and read once per fit (no per-step host sync).
/// The supervised models have no dropout, so there is no per-client dropout stream to keep.
/// </summary>
public sealed class CohortSupervisedTrainer
{
    private readonly List<Layer> _layers;
    private readonly InputShape _shape;
    private readonly Device _device;

    /// <param name="device">Where the stacked weights and batches live (the CPU when null).</param>
    public CohortSupervisedTrainer(ModelSpec model, InputShape shape, Device? device = null)
    {
        _device = device ?? CPU;
        if (!Supports(model))
        {
            throw new ArgumentException($"model {model}: cohort training covers logistic, MLP and the CNN without an adversarial head");
        }
        _shape = shape;
        _layers = Plan(model, shape);
    }

    /// <summary>True for the models a cohort can train (the supervised trainer's).</summary>
    public static bool Supports(ModelSpec model) => model.Adversarial is null && model.Kind is ModelKind.Logistic or ModelKind.Mlp or ModelKind.Cnn;

    /// <summary>
    /// Fits every member; all members must share one <see cref="TrainerSettings"/>. Unlabelled or empty shards
    /// train nothing and report zero samples, as in the single fit.
    /// </summary>
    public IReadOnlyList<FitOutcome> Fit(IReadOnlyList<CohortMember> members, CancellationToken ct)
    {
        var outcomes = new FitOutcome[members.Count];
        var training = new List<int>();
        for (int i = 0; i < members.Count; i++)
        {
            if (members[i].Shard.Unlabelled || members[i].Shard.Count == 0)
            {
                outcomes[i] = new FitOutcome(members[i].Global, 0, double.NaN);
            }
            else
            {
                training.Add(i);
            }
        }
        if (training.Count == 0)
        {
            return outcomes;
        }
        var settings = members[training[0]].Instructions.Settings;
        if (training.Any(i => members[i].Instructions.Settings != settings))
        {
            throw new ArgumentException("a cohort's members must share their training settings");
        }
        var fitted = FitCohort(training.Select(i => members[i]).ToList(), settings, ct);
        for (int j = 0; j < training.Count; j++)
        {
            outcomes[training[j]] = fitted[j];
        }
        return outcomes;
    }

    private FitOutcome[] FitCohort(List<CohortMember> given, TrainerSettings s, CancellationToken ct)
    {
        TorchRuntime.EnsureThreadConfigured();
        var device = _device;
        using var scope = NewDisposeScope();
        int k = given.Count;
        int b = s.BatchSize;

        // Longest fits first: at any step the clients still training are a prefix of the cohort, and a finished
        // client simply drops out of the batch (its weights and optimizer state are no longer touched).
        int Steps(CohortMember m) => (m.Shard.Count + b - 1) / b * s.Epochs;
        var order = Enumerable.Range(0, k).OrderByDescending(c => Steps(given[c])).ThenBy(c => c).ToArray();
        var members = order.Select(c => given[c]).ToList();

        // Each client's batches, exactly as its single fit draws them: one randperm per epoch from its own generator.
        var permutations = new long[k][][];
        var stepsPerEpoch = new int[k];
        for (int c = 0; c < k; c++)
        {
            int n = members[c].Shard.Count;
            stepsPerEpoch[c] = (n + b - 1) / b;
            using var generator = new Generator(members[c].Instructions.Seed);
            permutations[c] = new long[s.Epochs][];
            for (int e = 0; e < s.Epochs; e++)
            {
                using var permutation = randperm(n, generator: generator);
                permutations[c][e] = permutation.data<long>().ToArray();
            }
        }
        int totalSteps = stepsPerEpoch[0] * s.Epochs;

        // Every member's samples, concatenated once; a step gathers its rows.
        var offsets = new long[k];
        var features = new List<Tensor>(k);
        var labels = new List<Tensor>(k);
        for (int c = 0; c < k; c++)
        {
            offsets[c] = c == 0 ? 0 : offsets[c - 1] + members[c - 1].Shard.Count;
            features.Add(TensorBatches.Features(members[c].Shard.Dataset, members[c].Shard.Indices, _device, _shape.Channels));
            labels.Add(TensorBatches.Labels(members[c].Shard.Dataset, members[c].Shard.Indices, _device));
        }
        var x = cat(features, 0);
        var y = cat(labels, 0);

        // Every step's clients, rows, masks (a short last batch) and counts, planned on the host and sent to the device once.
        var training = new int[totalSteps];
        var rowStart = new long[totalSteps];
        var clientStart = new long[totalSteps];
        var rows = new List<long>();
        var mask = new List<float>();
        var divisors = new List<float>();
        var taken = new List<double>();
        var counts = new long[k];
        for (int t = 0; t < totalSteps; t++)
        {
            rowStart[t] = rows.Count;
            clientStart[t] = divisors.Count;
            for (int c = 0; c < k && t < stepsPerEpoch[c] * s.Epochs; c++)
            {
                training[t]++;
                var permutation = permutations[c][t / stepsPerEpoch[c]];
                int start = t % stepsPerEpoch[c] * b;
                int count = Math.Min(b, permutation.Length - start);
                for (int j = 0; j < b; j++)
                {
                    rows.Add(offsets[c] + (j < count ? permutation[start + j] : 0));
                    mask.Add(j < count ? 1 : 0);
                }
                divisors.Add(count);
                taken.Add(count);
                counts[c] += count;
            }
        }
        var rowPlan = tensor(rows.ToArray()).to(device);
        var maskPlan = tensor(mask.ToArray()).to(device);
        var divisorPlan = tensor(divisors.ToArray()).to(device);
        var takenPlan = tensor(taken.ToArray()).to(device);

        var parameters = StackedParameters(members, device);
        var anchors = s.ProximalMu > 0 ? parameters.Select(p => p.detach().clone()).ToList() : null;
        using var optimizer = new CohortOptimizer(parameters, s);
        using var halfMu = (s.ProximalMu / 2).ToScalar();
        var lossSums = zeros(k, dtype: float64, device: device);
        for (int t = 0; t < totalSteps; t++)
        {
            ct.ThrowIfCancellationRequested();
            using var stepScope = NewDisposeScope();
            int kt = training[t];
            var index = rowPlan.narrow(0, rowStart[t], kt * b);
            var weights = maskPlan.narrow(0, rowStart[t], kt * b).view(kt, b);
            var xb = x.index_select(0, index).view([kt, b, .. x.shape[1..]]);
            var yb = y.index_select(0, index).view(kt, b);
            var active = kt == k ? parameters : parameters.Select(p => p.narrow(0, 0, kt)).ToList();

            var logits = Forward(xb, active, kt, b);
            var negativeLogLikelihood = nn.functional.log_softmax(logits, 2).gather(2, yb.unsqueeze(2)).squeeze(2).neg();
            // Each client's mean over its own batch.
            var means = negativeLogLikelihood.mul(weights).sum(1).div(divisorPlan.narrow(0, clientStart[t], kt));
            lossSums.narrow(0, 0, kt).add_(means.detach().to(float64).mul_(takenPlan.narrow(0, clientStart[t], kt)), alpha: TorchScalars.One);
            var loss = means.sum();
            if (anchors is not null)
            {
                var proximal = active.Zip(anchors, (p, a) => p.sub(a.narrow(0, 0, kt)).square().reshape(kt, -1).sum(1))
                    .Aggregate((acc, next) => acc.add(next, alpha: TorchScalars.One));
                loss = loss.add(proximal.sum(), alpha: halfMu);
            }
            optimizer.ZeroGrad();
            loss.backward();
            optimizer.Step(kt);
        }

        var flat = cat(parameters.Select(p => p.detach().reshape(k, -1)).ToList(), 1).cpu();
        var sums = lossSums.cpu().data<double>().ToArray();
        var outcomes = new FitOutcome[k];
        for (int c = 0; c < k; c++)
        {
            outcomes[order[c]] = new FitOutcome(new ModelWeights(flat[c].data<float>().ToArray()), members[c].Shard.Count, sums[c] / Math.Max(counts[c], 1));
        }
        return outcomes;
    }

    /// <summary>The members' global weights as stacked leaf parameters, in the single model's <c>parameters()</c> order.</summary>
    private List<Tensor> StackedParameters(List<CohortMember> members, Device device)
    {
        int k = members.Count;
        var shapes = _layers.SelectMany(l => l.ParameterShapes).ToList();
        long total = shapes.Sum(shape => shape.Aggregate(1L, (a, d) => a * d));
        var globals = new float[k * total];
        for (int c = 0; c < k; c++)
        {
            var values = members[c].Global.Values;
            if (values.Length != total)
            {
                throw new ArgumentException($"client {c} of the cohort has {values.Length} weights; the model has {total}");
            }
            values.CopyTo(globals.AsSpan((int)(c * total), (int)total));
        }
        var all = tensor(globals, [k, total]).to(device);
        var parameters = new List<Tensor>(shapes.Count);
        long offset = 0;
        foreach (var shape in shapes)
        {
            long size = shape.Aggregate(1L, (a, d) => a * d);
            parameters.Add(all.narrow(1, offset, size).reshape([k, .. shape]).clone().requires_grad_(true));
            offset += size;
        }
        return parameters;
    }

    private Tensor Forward(Tensor input, List<Tensor> parameters, int k, int b)
    {
        var h = input;
        int p = 0;
        foreach (var layer in _layers)
        {
            switch (layer.Kind)
            {
                case LayerKind.Convolution:
                    // One convolution per client ([K, B, C, H, W] in and out): libtorch's grouped kernels block the
                    // channels of neighbouring groups together, so a grouped convolution would make a client's result
                    // depend on its cohort. unbind (not indexing) keeps the backward pass linear in K.
                    var inputs = h.unbind(0);
                    var weights = parameters[p++].unbind(0);
                    var biases = parameters[p++].unbind(0);
                    h = stack(Enumerable.Range(0, k).Select(c => nn.functional.conv2d(inputs[c], weights[c], biases[c],
                        padding: [layer.Padding, layer.Padding])).ToList(), 0);
                    break;
                case LayerKind.Relu:
                    h = nn.functional.relu(h);
                    break;
                case LayerKind.MaxPool:
                    var shape = h.shape;
                    h = nn.functional.max_pool2d(h.reshape(k * b, shape[2], shape[3], shape[4]), 2);
                    h = h.reshape(k, b, h.shape[1], h.shape[2], h.shape[3]);
                    break;
                case LayerKind.Flatten:
                    // Per sample in (C, H, W) order, as the single model flattens.
                    h = h.reshape(k, b, -1);
                    break;
                case LayerKind.Linear:
                    var weight = parameters[p++];
                    var offset = parameters[p++];
                    h = h.bmm(weight.transpose(1, 2)).add(offset.unsqueeze(1), alpha: TorchScalars.One);
                    break;
            }
        }
        return h;
    }

    private static List<Layer> Plan(ModelSpec model, InputShape shape)
    {
        var layers = new List<Layer>();
        if (model.Kind == ModelKind.Cnn)
        {
            layers.AddRange([
                Layer.Convolution(shape.Channels, 32, 5, 2), new(LayerKind.Relu), new(LayerKind.MaxPool),
                Layer.Convolution(32, 48, 5, 2), new(LayerKind.Relu), new(LayerKind.MaxPool),
                new(LayerKind.Flatten),
                Layer.Linear(ModelFactory.CnnFeatureCount(shape), 100), new(LayerKind.Relu),
                Layer.Linear(100, 100), new(LayerKind.Relu),
                Layer.Linear(100, shape.NumClasses)]);
            return layers;
        }
        layers.Add(new(LayerKind.Flatten));
        long width = shape.Features;
        foreach (int hidden in model.Kind == ModelKind.Mlp ? model.Hidden : [])
        {
            layers.Add(Layer.Linear(width, hidden));
            layers.Add(new(LayerKind.Relu));
            width = hidden;
        }
        layers.Add(Layer.Linear(width, shape.NumClasses));
        return layers;
    }

    private enum LayerKind
    {
        Flatten,
        Linear,
        Relu,
        Convolution,
        MaxPool,
    }

    /// <summary>One layer of the single model and the shapes of its parameters (weight, then bias).</summary>
    private sealed record Layer(LayerKind Kind, long[][] ParameterShapes, long Padding = 0)
    {
        public Layer(LayerKind kind)
            : this(kind, [])
        {
        }

        public static Layer Linear(long inputs, long outputs) => new(LayerKind.Linear, [[outputs, inputs], [outputs]]);

        public static Layer Convolution(long inputs, long outputs, long kernel, long padding) =>
            new(LayerKind.Convolution, [[outputs, inputs, kernel, kernel], [outputs]], padding);
    }
}
