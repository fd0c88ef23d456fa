using System.Runtime.InteropServices;
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
/// The training loss is accumulated on the device and read once per fit (no per-step host sync). With dropout, each
/// client's masks come from its own dropout generator, drawn in its single fit's order (layer by layer, its own batch rows).
/// Models of linear layers and ReLUs only (logistic regression, an MLP without dropout) take their gradients in closed
/// form (<see cref="ClosedFormStep"/>), without autograd's graph: a step of a B1-sized cohort is mostly per-call overhead.
/// </summary>
public sealed class CohortSupervisedTrainer : ICohortTrainer
{
    private readonly List<Layer> _layers;
    private readonly InputShape _shape;
    private readonly Device _device;
    private readonly double _dropout;
    /// <summary>For each parameter: a linear layer's weight, stacked transposed.</summary>
    private readonly bool[] _transposed;
    private readonly List<long[]> _shapes;
    /// <summary>Only linear layers and ReLUs (logistic regression, an MLP without dropout): gradients in closed form.</summary>
    private readonly bool _closedForm;

    /// <param name="device">Where the stacked weights and batches live (the CPU when null).</param>
    public CohortSupervisedTrainer(ModelSpec model, InputShape shape, Device? device = null)
    {
        _device = device ?? CPU;
        if (!Supports(model))
        {
            throw new ArgumentException($"model {model}: cohort training covers logistic, MLP and the CNN without an adversarial head");
        }
        _shape = shape;
        _dropout = model.Dropout;
        _layers = Plan(model, shape);
        _transposed = _layers.SelectMany(l => l.ParameterShapes.Select((_, i) => l.Kind == LayerKind.Linear && i == 0)).ToArray();
        _shapes = _layers.SelectMany(l => l.ParameterShapes).ToList();
        _closedForm = TakesClosedFormGradients(model);
    }

    /// <summary>True for the models a cohort can train (the supervised trainer's).</summary>
    public static bool Supports(ModelSpec model) => model.Adversarial is null && model.Kind is ModelKind.Logistic or ModelKind.Mlp or ModelKind.Cnn;

    /// <summary>
    /// True for the models whose layers are linear layers and ReLUs only (logistic regression, an MLP without dropout):
    /// their cohort fits take closed-form gradients (<see cref="ClosedFormStep"/>).
    /// </summary>
    public static bool TakesClosedFormGradients(ModelSpec model) =>
        model.Adversarial is null && (model.Kind == ModelKind.Logistic || (model.Kind == ModelKind.Mlp && model.Dropout == 0));

    /// <summary>
    /// Fits every member; all members must share one <see cref="TrainerSettings"/>. Unlabelled or empty shards
    /// train nothing and report zero samples, as in the single fit.
    /// </summary>
    public IReadOnlyList<FitOutcome> Fit(IReadOnlyList<CohortMember> members, CancellationToken ct) =>
        CohortGroups.Fit(members, m => !m.Shard.Unlabelled && m.Shard.Count > 0, _ => 0,
            (group, _) => FitCohort(group, group[0].Instructions.Settings, ct));

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
                permutations[c][e] = StackedLayers.Permutation(n, generator);
            }
        }
        int totalSteps = stepsPerEpoch[0] * s.Epochs;

        // Every step's clients, rows and masks (a short last batch is padded with the client's first sample, masked out),
        // planned on the host. The samples are gathered in step order, an epoch of the longest fit at a time (so that the
        // gathered rows stay about one epoch of the cohort's samples), and a step takes its rows as one slice.
        var training = new int[totalSteps];
        var rowStart = new long[totalSteps];
        var clientStart = new int[totalSteps];
        var full = new bool[totalSteps];
        var rows = new List<(int Client, int Position)>();
        var mask = new List<float>();
        var rowWeights = new List<float>();
        var batchCounts = new List<int>();
        var counts = new long[k];
        for (int t = 0; t < totalSteps; t++)
        {
            rowStart[t] = rows.Count;
            clientStart[t] = batchCounts.Count;
            full[t] = true;
            for (int c = 0; c < k && t < stepsPerEpoch[c] * s.Epochs; c++)
            {
                training[t]++;
                var permutation = permutations[c][t / stepsPerEpoch[c]];
                int start = t % stepsPerEpoch[c] * b;
                int count = Math.Min(b, permutation.Length - start);
                for (int j = 0; j < b; j++)
                {
                    rows.Add((c, j < count ? (int)permutation[start + j] : 0));
                    mask.Add(j < count ? 1 : 0);
                    rowWeights.Add(j < count ? 1f / count : 0);
                }
                full[t] &= count == b;
                batchCounts.Add(count);
                counts[c] += count;
            }
        }
        var shards = members.Select(m => m.Shard).ToList();
        int chunkSteps = stepsPerEpoch[0];
        var maskPlan = tensor(mask.ToArray()).to(device);
        var divisorPlan = tensor(batchCounts.Select(count => (float)count).ToArray()).to(device);
        // The closed-form gradient's factor 1 / the batch's size for each row (zero on a padding row).
        var weightPlan = _closedForm ? tensor(rowWeights.ToArray()).to(device) : null;
        Tensor? x = null, y = null, targets = null;
        long chunkStart = 0;

        var parameters = StackedLayers.Stack(members.Select(m => m.Global.Values).ToList(), _shapes, _transposed, device, requiresGrad: !_closedForm);
        var anchors = s.ProximalMu > 0 ? parameters.Select(p => p.detach().clone()).ToList() : null;
        using var optimizer = new CohortOptimizer(parameters, s);
        using var halfMu = (s.ProximalMu / 2).ToScalar();
        using var mu = s.ProximalMu.ToScalar();
        using var inverseBatch = (1.0 / b).ToScalar();
        // Each client's dropout generator, seeded as its single fit seeds its own.
        var dropoutStreams = _dropout > 0
            ? members.Select(m => new Generator(SeedMixer.Mix(m.Instructions.Seed, SeedMixer.DropoutPurpose))).ToArray()
            : [];
        using var releaseStreams = new StreamsDisposer(dropoutStreams);
        using var keepScale = (_dropout > 0 ? 1 / (1 - _dropout) : 1.0).ToScalar();
        // Each step's per-client loss sums, kept on the device and read once at the end (no per-step host sync).
        var stepLosses = new List<Tensor>(totalSteps);
        for (int t = 0; t < totalSteps; t++)
        {
            ct.ThrowIfCancellationRequested();
            if (t % chunkSteps == 0)
            {
                // The next epoch's rows; the previous epoch's are freed now rather than with the fit.
                x?.Dispose();
                y?.Dispose();
                targets?.Dispose();
                chunkStart = rowStart[t];
                long chunkEnd = t + chunkSteps < totalSteps ? rowStart[t + chunkSteps] : rows.Count;
                (x, y) = StackedLayers.PlannedSamples(shards, rows.GetRange((int)chunkStart, (int)(chunkEnd - chunkStart)), device, _shape.Channels);
                // The closed-form gradient's one-hot labels (zero on a padding row).
                targets = _closedForm
                    ? zeros(chunkEnd - chunkStart, _shape.NumClasses, device: device).scatter_(1, y.unsqueeze(1), maskPlan.narrow(0, chunkStart, chunkEnd - chunkStart).unsqueeze(1))
                    : null;
            }
            using var stepScope = NewDisposeScope();
            int kt = training[t];
            // first: the step's first row in the plan; local: in the gathered epoch.
            long first = rowStart[t], local = first - chunkStart, stepRows = kt * b;
            var xb = x!.narrow(0, local, stepRows).view([kt, b, .. x.shape[1..]]);
            var active = kt == k ? parameters : parameters.Select(p => p.narrow(0, 0, kt)).ToList();
            if (_closedForm)
            {
                var (sums, gradients) = ClosedFormStep(xb, active, targets!.narrow(0, local, stepRows).view(kt, b, -1),
                    weightPlan!.narrow(0, first, stepRows).view(kt, b, 1));
                stepLosses.Add(sums.MoveToOuterDisposeScope());
                if (anchors is not null)
                {
                    for (int i = 0; i < gradients.Length; i++)
                    {
                        gradients[i].add_(active[i].sub(anchors[i].narrow(0, 0, kt)), alpha: mu);
                    }
                }
                optimizer.Step(kt, gradients);
                continue;
            }

            // A dropout layer's masks for this step: each client's rows drawn from its own generator (a short batch's
            // padding rows are dropped; their loss is masked anyway).
            int step = t;
            Tensor DropoutMasks(long width) => stack(Enumerable.Range(0, kt).Select(c =>
            {
                int count = batchCounts[clientStart[step] + c];
                var keep = SeededDropout.Keep([count, width], dropoutStreams[c], _dropout);
                return count == b ? keep : cat([keep, zeros(b - count, width)], 0);
            }).ToList(), 0).to(device);

            var logits = Forward(xb, active, kt, b, DropoutMasks, keepScale);
            // Each sample's cross-entropy; each client's loss is the mean over its own batch, as in its single fit.
            var losses = nn.functional.cross_entropy(logits.view(stepRows, -1), y!.narrow(0, local, stepRows), reduction: nn.Reduction.None).view(kt, b);
            Tensor clientSums, loss;
            if (full[t])
            {
                clientSums = losses.sum(1);
                loss = clientSums.sum().mul(inverseBatch);
            }
            else
            {
                clientSums = losses.mul(maskPlan.narrow(0, first, stepRows).view(kt, b)).sum(1);
                loss = clientSums.div(divisorPlan.narrow(0, clientStart[t], kt)).sum();
            }
            stepLosses.Add(clientSums.detach().MoveToOuterDisposeScope());
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

        // One copy of every client's weights and every step's losses to the host.
        var weights = StackedLayers.Unstack(parameters, _transposed);
        var stepSums = MemoryMarshal.Cast<byte, double>(cat(stepLosses, 0).to(float64).cpu().contiguous().bytes);
        var lossSums = new double[k];
        for (int t = 0; t < totalSteps; t++)
        {
            for (int c = 0; c < training[t]; c++)
            {
                lossSums[c] += stepSums[clientStart[t] + c];
            }
        }
        var outcomes = new FitOutcome[k];
        for (int c = 0; c < k; c++)
        {
            outcomes[order[c]] = new FitOutcome(new ModelWeights(weights[c]), members[c].Shard.Count, lossSums[c] / Math.Max(counts[c], 1));
        }
        return outcomes;
    }

    /// <summary>
    /// One step of a stack of linear layers and ReLUs without autograd: the forward pass keeps each linear layer's input,
    /// the gradient of each client's mean cross-entropy with respect to its logits is (softmax - one-hot) / its batch size
    /// (zero on padding rows), and it flows back through each layer (<c>[K, in, B] @ [K, B, out]</c> for a weight, a sum
    /// over the batch for a bias, the weight transposed and the ReLU's mask below). The same gradients as autograd's, up to
    /// float rounding, in about half the native calls. Returns each client's loss sum (over its real rows) and the
    /// gradients in parameter order.
    /// </summary>
    private (Tensor LossSums, Tensor[] Gradients) ClosedFormStep(Tensor input, List<Tensor> parameters, Tensor targets, Tensor rowWeights)
    {
        var h = input.view(input.shape[0], input.shape[1], -1);
        var inputs = new List<Tensor>();
        int p = 0;
        foreach (var layer in _layers)
        {
            if (layer.Kind == LayerKind.Linear)
            {
                inputs.Add(h);
                h = StackedLayers.Linear(h, parameters[p], parameters[p + 1]);
                p += 2;
            }
            else if (layer.Kind == LayerKind.Relu)
            {
                h = nn.functional.relu(h);
            }
        }
        var logProbabilities = nn.functional.log_softmax(h, 2);
        // Each client's summed cross-entropy: -sum(one-hot * log p) over its rows (padding rows have a zero one-hot).
        var lossSums = logProbabilities.mul(targets).sum([1, 2]).neg();
        var g = logProbabilities.exp().sub_(targets).mul_(rowWeights);
        var gradients = new Tensor[parameters.Count];
        for (int l = inputs.Count - 1; l >= 0; l--)
        {
            gradients[2 * l] = inputs[l].transpose(1, 2).bmm(g);
            gradients[2 * l + 1] = g.sum(1);
            if (l > 0)
            {
                // Back through the weight (stacked [K, in, out]) and the ReLU whose output fed this layer.
                g = g.bmm(parameters[2 * l].transpose(1, 2)).mul_(inputs[l].gt(0));
            }
        }
        return (lossSums, gradients);
    }

    private Tensor Forward(Tensor input, List<Tensor> parameters, int k, int b, Func<long, Tensor> dropoutMasks, Scalar keepScale)
    {
        var h = input;
        int p = 0;
        foreach (var layer in _layers)
        {
            switch (layer.Kind)
            {
                case LayerKind.Convolution:
                    h = StackedLayers.Convolution(h, parameters[p], parameters[p + 1], k, layer.Padding);
                    p += 2;
                    break;
                case LayerKind.Relu:
                    h = nn.functional.relu(h);
                    break;
                case LayerKind.Dropout:
                    h = SeededDropout.Drop(h, dropoutMasks(h.shape[2]), keepScale);
                    break;
                case LayerKind.MaxPool:
                    h = StackedLayers.MaxPool(h, k, b);
                    break;
                case LayerKind.Flatten:
                    // Per sample in (C, H, W) order, as the single model flattens.
                    h = h.reshape(k, b, -1);
                    break;
                case LayerKind.Linear:
                    h = StackedLayers.Linear(h, parameters[p], parameters[p + 1]);
                    p += 2;
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
                Layer.Linear(ModelFactory.CnnFeatureCount(shape), 100), new(LayerKind.Relu), .. Dropout(model),
                Layer.Linear(100, 100), new(LayerKind.Relu), .. Dropout(model),
                Layer.Linear(100, shape.NumClasses)]);
            return layers;
        }
        layers.Add(new(LayerKind.Flatten));
        long width = shape.Features;
        foreach (int hidden in model.Kind == ModelKind.Mlp ? model.Hidden : [])
        {
            layers.Add(Layer.Linear(width, hidden));
            layers.Add(new(LayerKind.Relu));
            layers.AddRange(Dropout(model));
            width = hidden;
        }
        layers.Add(Layer.Linear(width, shape.NumClasses));
        return layers;
    }

    /// <summary>The dropout layer after a hidden layer's ReLU, where <see cref="ModelFactory"/> puts one.</summary>
    private static Layer[] Dropout(ModelSpec model) => model.Dropout > 0 ? [new(LayerKind.Dropout)] : [];

    /// <summary>Disposes the cohort's dropout generators at the end of the fit.</summary>
    private sealed class StreamsDisposer(Generator[] streams) : IDisposable
    {
        public void Dispose()
        {
            foreach (var stream in streams)
            {
                stream.Dispose();
            }
        }
    }

    private enum LayerKind
    {
        Dropout,
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

        public static Layer Linear(long inputs, long outputs) => new(LayerKind.Linear, StackedLayers.LinearShapes(inputs, outputs));

        public static Layer Convolution(long inputs, long outputs, long kernel, long padding) =>
            new(LayerKind.Convolution, StackedLayers.ConvolutionShapes(inputs, outputs, kernel), padding);
    }
}
