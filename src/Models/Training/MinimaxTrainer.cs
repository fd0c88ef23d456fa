using FedOrleans.Models.Federated;
using FedOrleans.Models.Nn;
using FedOrleans.Models.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace FedOrleans.Models.Training;

/// <summary>
/// Local gradient descent-ascent for federated adversarial domain adaptation (papers.md section 3.3).
/// A source client trains the classifier on its labelled rows; every client trains the adversarial
/// part on its own domain (source 0, target 1): the discriminator descends its loss while the
/// features, behind a gradient reversal layer, ascend it. Each step applies <see cref="MinimaxRule"/>
/// to every parameter; FedMM then updates the client's duals (its private state) and uploads the
/// dual-corrected weights.
/// </summary>
/// <param name="device">Where the model and batches live (the CPU when null).</param>
public sealed class MinimaxTrainer(ModelSpec model, InputShape shape, Device? device = null) : ILocalTrainer
{
    private readonly Device _device = device ?? CPU;

    /// <summary>The small constant of MDD's target term, -log(1.00001 - p), from FedMM's code.</summary>
    public const double MddEpsilon = 1.00001;

    public FitOutcome Fit(ModelWeights global, FitInstructions instructions, ClientShard shard, CancellationToken ct)
    {
        var m = instructions.Minimax ?? throw new ArgumentException("minimax training needs FitInstructions.Minimax");
        var s = instructions.Settings;
        if (shard.Count == 0)
        {
            return new FitOutcome(global, 0, double.NaN);
        }
        TorchRuntime.EnsureThreadConfigured();
        using var scope = NewDisposeScope();
        using var net = (AdversarialNet)ModelFactory.Create(model, shape);
        net.to(_device);
        ParameterVector.Write(net, global.Values);
        var parameters = net.parameters().ToList();
        var anchors = parameters.Select(p => p.detach().clone()).ToList();
        var duals = m.KeepsDuals ? ParameterVector.Split(shard.PrivateState ?? new float[global.Length], parameters) : null;
        using var generator = new Generator(instructions.Seed);
        using var negativeLr = (-s.LearningRate).ToScalar();
        using var mu = m.Mu.ToScalar();
        var x = TensorBatches.Features(shard.Dataset, shard.Indices, _device, shape.Channels);
        var y = shard.Unlabelled ? null : TensorBatches.Labels(shard.Dataset, shard.Indices, _device);
        int n = shard.Count;
        int batch = Math.Min(s.BatchSize, n);
        int steps = s.LocalSteps > 0 ? s.LocalSteps : s.Epochs * (int)Math.Ceiling((double)n / batch);
        // All rows of a client come from one domain: target clients hold the (unlabelled) target data.
        var domain = full([batch], shard.Unlabelled ? 1L : 0L, dtype: ScalarType.Int64, device: _device);
        var order = randperm(n, generator: generator);
        int position = 0;
        using var lossSum = zeros([], dtype: ScalarType.Float64, device: _device); // read once per fit
        net.train();
        for (int step = 0; step < steps; step++)
        {
            ct.ThrowIfCancellationRequested();
            using var stepScope = NewDisposeScope();
            if (position + batch > n)
            {
                order.Dispose();
                order = randperm(n, generator: generator).MoveToOuterDisposeScope();
                position = 0;
            }
            var idx = order.narrow(0, position, batch).to(_device);
            position += batch;
            var loss = Objective(net, x.index_select(0, idx), y?.index_select(0, idx), domain, shard.Unlabelled, m.Coefficient);
            lossSum.add_(loss.detach().to(ScalarType.Float64));
            foreach (var p in parameters)
            {
                p.grad?.zero_();
            }
            loss.backward();
            using var noGrad = no_grad();
            for (int i = 0; i < parameters.Count; i++)
            {
                var p = parameters[i];
                Step(p, p.grad ?? zeros_like(p), anchors[i], duals?[i], negativeLr, mu, m.Rule);
            }
        }
        float[]? privateState = null;
        float[] upload;
        using (no_grad())
        {
            if (duals is not null)
            {
                // Dual ascent with the local solution, then the upload uses the new duals.
                using var factor = m.UploadFactor(instructions.Round).ToScalar();
                for (int i = 0; i < parameters.Count; i++)
                {
                    FinishRound(parameters[i], anchors[i], duals[i], mu, factor);
                }
                privateState = ParameterVector.Flatten(duals);
            }
            upload = ParameterVector.Read(net);
        }
        return new FitOutcome(new ModelWeights(upload), n, lossSum.item<double>() / steps, privateState);
    }

    /// <summary>
    /// One local step of a parameter (in place, under no_grad): Gda w -= lr g; ProxGda w -= lr (g + mu (w - w0));
    /// FedMM w -= lr (g + mu (w - w0) + lambda). <paramref name="negativeLearningRate"/> is -lr.
    /// </summary>
    internal static void Step(Tensor w, Tensor g, Tensor anchor, Tensor? dual, Scalar negativeLearningRate, Scalar mu, MinimaxRule rule)
    {
        var update = g;
        if (rule != MinimaxRule.Gda)
        {
            update = update.add(w.sub(anchor), alpha: mu);
        }
        if (rule == MinimaxRule.FedMM)
        {
            update = update.add(dual ?? throw new ArgumentNullException(nameof(dual), "FedMM needs the client's duals"), alpha: TorchScalars.One);
        }
        w.add_(update, alpha: negativeLearningRate);
    }

    /// <summary>FedMM's end of round (in place): lambda += mu (w - w0) with the local solution, then w += factor lambda (the upload).</summary>
    internal static void FinishRound(Tensor w, Tensor anchor, Tensor dual, Scalar mu, Scalar uploadFactor)
    {
        dual.add_(w.sub(anchor), alpha: mu);
        w.add_(dual, alpha: uploadFactor);
    }

    /// <summary>
    /// The loss whose gradient every parameter follows: classification on labelled rows plus the
    /// adversarial term behind gradient reversal (so features ascend it, the discriminator descends it).
    /// </summary>
    internal static Tensor Objective(AdversarialNet net, Tensor x, Tensor? y, Tensor domain, bool target, double coefficient)
    {
        var f = net.Features(x);
        var logits = net.Classify(f);
        Tensor adversarial;
        switch (net.Loss)
        {
            case AdversarialLoss.Dann:
                adversarial = nn.functional.cross_entropy(net.Discriminate(GradientReversal.Apply(f, coefficient)), domain);
                break;
            case AdversarialLoss.Cdan:
                // Conditioning on the classifier: flatten(softmax(logits) (x) features), no stop-gradient (as in FedMM's code).
                var outer = bmm(nn.functional.softmax(logits, 1).unsqueeze(2), f.unsqueeze(1)).flatten(1);
                adversarial = nn.functional.cross_entropy(net.Discriminate(GradientReversal.Apply(outer, coefficient)), domain);
                break;
            case AdversarialLoss.Mdd:
                var auxiliary = net.Discriminate(GradientReversal.Apply(f, coefficient));
                var pseudo = logits.detach().argmax(1);
                if (!target)
                {
                    adversarial = nn.functional.cross_entropy(auxiliary, pseudo);
                }
                else
                {
                    using var epsilon = MddEpsilon.ToScalar();
                    var p = nn.functional.softmax(auxiliary, 1).gather(1, pseudo.unsqueeze(1)).squeeze(1);
                    adversarial = p.neg().add(epsilon, alpha: TorchScalars.One).log().neg().mean();
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(net));
        }
        return y is null ? adversarial : nn.functional.cross_entropy(logits, y).add(adversarial, alpha: TorchScalars.One);
    }
}
