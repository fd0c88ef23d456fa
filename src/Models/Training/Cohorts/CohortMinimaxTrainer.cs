using System.Runtime.InteropServices;
using FedOrleans.Models.Federated;
using FedOrleans.Models.Nn;
using FedOrleans.Models.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace FedOrleans.Models.Training.Cohorts;

/// <summary>
/// <see cref="MinimaxTrainer"/>'s local gradient descent-ascent (FedMM, ProxGDA, GDA with DANN, CDAN or MDD) for K
/// clients at once: the adversarial CNN's parameters (features, label classifier, discriminator) stacked <c>[K, ...]</c>,
/// convolutions per client, linear layers as batched matmuls, each client's own mean losses, the update rule and
/// FedMM's duals per client. Each client keeps what its one-at-a-time fit has: its shuffling generator (a fresh
/// permutation when the next batch would run past its shard), its batch size (its shard when smaller than the batch),
/// its number of steps (clients run longest first; a finished client drops out of the batch and is not touched
/// again), its domain and objective. Clients are trained in groups that share a batch size and a domain (source
/// clients with labels, target clients without), usually two a round; a client's arithmetic does not depend on the
/// rest of its cohort. The training loss is accumulated on the device and read once per group.
/// </summary>
public sealed class CohortMinimaxTrainer : ICohortTrainer
{
    private readonly AdversarialLoss _loss;
    private readonly InputShape _shape;
    private readonly Device _device;
    private readonly List<long[]> _shapes;
    private readonly bool[] _transposed;

    /// <param name="device">Where the stacked weights and batches live (the CPU when null).</param>
    public CohortMinimaxTrainer(ModelSpec model, InputShape shape, Device? device = null)
    {
        if (!Supports(model))
        {
            throw new ArgumentException($"model {model}: minimax cohort training covers the CNN with an adversarial head");
        }
        _loss = model.Adversarial!.Value;
        _shape = shape;
        _device = device ?? CPU;
        // AdversarialNet's parameters() order: features (two convolutions), label head (three linear), discriminator.
        long f = ModelFactory.CnnFeatureCount(shape);
        long[][][] layers =
        [
            StackedLayers.ConvolutionShapes(shape.Channels, 32, 5), StackedLayers.ConvolutionShapes(32, 48, 5),
            StackedLayers.LinearShapes(f, 100), StackedLayers.LinearShapes(100, 100), StackedLayers.LinearShapes(100, shape.NumClasses),
            .. _loss switch
            {
                AdversarialLoss.Dann => new[] { StackedLayers.LinearShapes(f, 100), StackedLayers.LinearShapes(100, 2) },
                AdversarialLoss.Cdan => [StackedLayers.LinearShapes(f * shape.NumClasses, 100), StackedLayers.LinearShapes(100, 2)],
                _ => [StackedLayers.LinearShapes(f, 100), StackedLayers.LinearShapes(100, 100), StackedLayers.LinearShapes(100, shape.NumClasses)],
            },
        ];
        _shapes = layers.SelectMany(l => l).ToList();
        // The two convolutions' weights are not transposed; every linear weight is.
        _transposed = layers.SelectMany((l, i) => l.Select((_, j) => i >= 2 && j == 0)).ToArray();
    }

    /// <summary>True for the models this trainer covers: the CNN with an adversarial head (DANN, CDAN, MDD).</summary>
    public static bool Supports(ModelSpec model) => model.Kind == ModelKind.Cnn && model.Adversarial is not null;

    /// <summary>One batched run per (domain, batch size): the same objective and the same batch shape throughout.</summary>
    public IReadOnlyList<FitOutcome> Fit(IReadOnlyList<CohortMember> members, CancellationToken ct) =>
        CohortGroups.Fit(members, m => m.Shard.Count > 0, m => (m.Shard.Unlabelled, Batch: Math.Min(m.Instructions.Settings.BatchSize, m.Shard.Count)),
            (group, key) =>
            {
                var first = group[0].Instructions;
                var minimax = first.Minimax ?? throw new ArgumentException("minimax training needs FitInstructions.Minimax");
                return FitGroup(group, first.Settings, minimax, first.Round, key.Batch, key.Unlabelled, ct);
            });

    private static int Steps(TrainerSettings s, int samples, int batch) =>
        s.LocalSteps > 0 ? s.LocalSteps : s.Epochs * (int)Math.Ceiling((double)samples / batch);

    private FitOutcome[] FitGroup(List<CohortMember> given, TrainerSettings s, MinimaxSettings m, int round, int b, bool target, CancellationToken ct)
    {
        TorchRuntime.EnsureThreadConfigured();
        var device = _device;
        using var scope = NewDisposeScope();
        int k = given.Count;
        // Longest fits first: the clients still training at a step are a prefix of the group.
        var order = Enumerable.Range(0, k).OrderByDescending(c => Steps(s, given[c].Shard.Count, b)).ThenBy(c => c).ToArray();
        var members = order.Select(c => given[c]).ToList();
        var steps = members.Select(mb => Steps(s, mb.Shard.Count, b)).ToArray();
        int totalSteps = steps[0];

        var (x, y, offsets) = StackedLayers.Samples(members.Select(mb => mb.Shard).ToList(), device, _shape.Channels, labels: !target);

        // Each client's rows at each step, drawn as its single fit draws them: a permutation from its own generator,
        // walked batch by batch, a new one when the next batch would run past the end.
        var rows = new List<long>();
        var rowStart = new int[totalSteps];
        var stepRows = new List<long>[k];
        for (int c = 0; c < k; c++)
        {
            int n = members[c].Shard.Count;
            using var generator = new Generator(members[c].Instructions.Seed);
            stepRows[c] = new List<long>(steps[c] * b);
            long[] permutation = StackedLayers.Permutation(n, generator);
            int position = 0;
            for (int t = 0; t < steps[c]; t++)
            {
                if (position + b > n)
                {
                    permutation = StackedLayers.Permutation(n, generator);
                    position = 0;
                }
                for (int j = 0; j < b; j++)
                {
                    stepRows[c].Add(offsets[c] + permutation[position + j]);
                }
                position += b;
            }
        }
        var active = new int[totalSteps];
        for (int t = 0; t < totalSteps; t++)
        {
            rowStart[t] = rows.Count;
            for (int c = 0; c < k && t < steps[c]; c++)
            {
                active[t]++;
                rows.AddRange(CollectionsMarshal.AsSpan(stepRows[c]).Slice(t * b, b));
            }
        }
        var rowPlan = tensor(rows.ToArray()).to(device);

        var parameters = StackedLayers.Stack(members.Select(mb => mb.Global.Values).ToList(), _shapes, _transposed, device, requiresGrad: true);
        var anchors = parameters.Select(p => p.detach().clone()).ToList();
        var duals = m.KeepsDuals
            ? StackedLayers.Stack(members.Select(mb => mb.Shard.PrivateState ?? new float[mb.Global.Length]).ToList(), _shapes, _transposed, device, requiresGrad: false)
            : null;
        using var negativeLr = (-s.LearningRate).ToScalar();
        using var mu = m.Mu.ToScalar();
        var losses = new List<Tensor>(totalSteps); // each step's per-client losses, read once at the end
        for (int t = 0; t < totalSteps; t++)
        {
            ct.ThrowIfCancellationRequested();
            using var stepScope = NewDisposeScope();
            int kt = active[t];
            var index = rowPlan.narrow(0, rowStart[t], kt * b);
            var xb = x.index_select(0, index).view([kt, b, .. x.shape[1..]]);
            var weights = kt == k ? parameters : parameters.Select(p => p.narrow(0, 0, kt)).ToList();
            var perClient = Objective(xb, target ? null : y.index_select(0, index), weights, kt, b, target, m.Coefficient);
            losses.Add(perClient.detach().to(ScalarType.Float64).MoveToOuterDisposeScope());
            foreach (var p in parameters)
            {
                p.grad?.zero_();
            }
            perClient.sum().backward();
            using var noGrad = no_grad();
            for (int i = 0; i < parameters.Count; i++)
            {
                var p = parameters[i];
                var gradient = p.grad is { } g ? g.narrow(0, 0, kt) : zeros_like(weights[i]);
                MinimaxTrainer.Step(weights[i], gradient, anchors[i].narrow(0, 0, kt), duals?[i].narrow(0, 0, kt), negativeLr, mu, m.Rule);
            }
        }

        float[][]? privateStates = null;
        using (no_grad())
        {
            if (duals is not null)
            {
                using var factor = m.UploadFactor(round).ToScalar();
                for (int i = 0; i < parameters.Count; i++)
                {
                    MinimaxTrainer.FinishRound(parameters[i], anchors[i], duals[i], mu, factor);
                }
                privateStates = StackedLayers.Unstack(duals, _transposed);
            }
        }
        var uploads = StackedLayers.Unstack(parameters, _transposed);
        // Every step's losses in one copy to the host, then each client's sum in step order.
        var stepLosses = MemoryMarshal.Cast<byte, double>(cat(losses, 0).cpu().contiguous().bytes);
        var lossSums = new double[k];
        for (int t = 0, at = 0; t < totalSteps; at += active[t], t++)
        {
            for (int c = 0; c < active[t]; c++)
            {
                lossSums[c] += stepLosses[at + c];
            }
        }
        var outcomes = new FitOutcome[k];
        for (int c = 0; c < k; c++)
        {
            outcomes[order[c]] = new FitOutcome(new ModelWeights(uploads[c]), members[c].Shard.Count, lossSums[c] / steps[c], privateStates?[c]);
        }
        return outcomes;
    }

    /// <summary>
    /// Each client's loss (<c>[K]</c>): <see cref="MinimaxTrainer.Objective"/> on stacked weights, every mean taken over
    /// the client's own batch.
    /// </summary>
    private Tensor Objective(Tensor x, Tensor? y, List<Tensor> w, int k, int b, bool target, double coefficient)
    {
        var h = StackedLayers.Convolution(x, w[0], w[1], k, 2).relu();
        h = StackedLayers.MaxPool(h, k, b);
        h = StackedLayers.Convolution(h, w[2], w[3], k, 2).relu();
        var f = StackedLayers.MaxPool(h, k, b).reshape(k, b, -1);
        var logits = Head(f, w, 4, 3);
        Tensor MeanCrossEntropy(Tensor scores, Tensor labels) =>
            nn.functional.cross_entropy(scores.reshape(k * b, -1), labels.reshape(k * b), reduction: nn.Reduction.None).view(k, b).mean([1]);
        var domain = full([k, b], target ? 1L : 0L, dtype: ScalarType.Int64, device: _device);
        Tensor adversarial;
        switch (_loss)
        {
            case AdversarialLoss.Dann:
                adversarial = MeanCrossEntropy(Head(GradientReversal.Apply(f, coefficient), w, 10, 2), domain);
                break;
            case AdversarialLoss.Cdan:
                // softmax(logits) (x) features per sample, class-major as the single fit's flatten(1) of a bmm.
                var outer = nn.functional.softmax(logits, 2).unsqueeze(3).mul(f.unsqueeze(2)).reshape(k, b, -1);
                adversarial = MeanCrossEntropy(Head(GradientReversal.Apply(outer, coefficient), w, 10, 2), domain);
                break;
            case AdversarialLoss.Mdd:
                var auxiliary = Head(GradientReversal.Apply(f, coefficient), w, 10, 3);
                var pseudo = logits.detach().argmax(2);
                if (!target)
                {
                    adversarial = MeanCrossEntropy(auxiliary, pseudo);
                }
                else
                {
                    using var epsilon = MinimaxTrainer.MddEpsilon.ToScalar();
                    var p = nn.functional.softmax(auxiliary, 2).gather(2, pseudo.unsqueeze(2)).squeeze(2);
                    adversarial = p.neg().add(epsilon, alpha: TorchScalars.One).log().neg().mean([1]);
                }
                break;
            default:
                throw new InvalidOperationException($"adversarial loss {_loss}");
        }
        return y is null ? adversarial : MeanCrossEntropy(logits, y).add(adversarial, alpha: TorchScalars.One);
    }

    /// <summary>A stack of <paramref name="layers"/> linear layers from parameter <paramref name="first"/> on, ReLU between them.</summary>
    private static Tensor Head(Tensor h, List<Tensor> w, int first, int layers)
    {
        for (int l = 0; l < layers; l++)
        {
            h = StackedLayers.Linear(h, w[first + 2 * l], w[first + 2 * l + 1]);
            if (l < layers - 1)
            {
                h = h.relu();
            }
        }
        return h;
    }
}
