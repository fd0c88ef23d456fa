using TorchSharp;
using FedOrleans.Models.Torch;
using static TorchSharp.torch;

namespace FedOrleans.Models.Nn;

/// <summary>
/// Builds the modules a spec names. Parameter order (and so the flat weight layout) is the order of
/// <c>parameters()</c>, fixed by the named components below.
/// </summary>
public static class ModelFactory
{
    public static nn.Module<Tensor, Tensor> Create(ModelSpec spec, InputShape shape) => spec.Kind switch
    {
        ModelKind.Logistic => new LayerStack(
            ("flatten", nn.Flatten()),
            ("linear", nn.Linear(shape.Features, shape.NumClasses))),
        ModelKind.Mlp => Mlp(spec.Hidden, spec.Dropout, shape),
        ModelKind.Cnn when spec.Adversarial is { } loss => new AdversarialNet(shape, loss),
        ModelKind.Cnn => Cnn(shape, spec.Dropout),
        _ => throw new ArgumentOutOfRangeException(nameof(spec)),
    };

    /// <summary>The standard deviation of FedMM's initial weights (TensorFlow truncated normal) and its initial bias.</summary>
    public const double FedMMInitStd = 0.1;

    /// <summary>
    /// Seeded initial weights, independent of the global torch generator. Default: every weight uniform
    /// in +-1/sqrt(fan_in) (PyTorch's bound for linear and conv layers), every bias zero. Adversarial
    /// (FedMM) models follow the official code instead: weights from a normal with standard deviation
    /// 0.1 truncated at two standard deviations, biases 0.1.
    /// </summary>
    public static float[] InitialWeights(ModelSpec spec, InputShape shape, ulong seed)
    {
        TorchRuntime.EnsureThreadConfigured();
        using var scope = NewDisposeScope();
        using var model = Create(spec, shape);
        using var generator = new Generator(seed);
        bool fedmm = spec.Adversarial is not null;
        // Explicit scalars, kept alive until the native calls return (see Training/LocalOptimizer).
        using var bias = (fedmm ? FedMMInitStd : 0.0).ToScalar();
        using var std = FedMMInitStd.ToScalar();
        using var two = 2.0.ToScalar();
        using var minusTwo = (-2.0).ToScalar();
        using (no_grad())
        {
            foreach (var p in model.parameters())
            {
                if (p.dim() == 1)
                {
                    p.fill_(bias);
                    continue;
                }
                if (fedmm)
                {
                    // Truncated normal by redrawing values beyond two standard deviations, as TensorFlow's truncated_normal.
                    var draw = randn(p.shape, generator: generator);
                    for (int attempt = 0; attempt < 20; attempt++)
                    {
                        var outside = draw.abs().gt(two);
                        if (!outside.any().item<bool>())
                        {
                            break;
                        }
                        draw = where(outside, randn(p.shape, generator: generator), draw);
                    }
                    p.copy_(draw.clamp(minusTwo, two).mul_(std));
                    continue;
                }
                long fanIn = p.shape.Skip(1).Aggregate(1L, (a, b) => a * b);
                double bound = 1.0 / Math.Sqrt(fanIn);
                using var scale = (2 * bound).ToScalar();
                using var shift = bound.ToScalar();
                p.copy_(rand(p.shape, generator: generator).mul_(scale).sub_(shift));
            }
        }
        return ParameterVector.Read(model);
    }

    /// <summary>Number of parameters (the length of the flat weight vector).</summary>
    public static long ParameterCount(ModelSpec spec, InputShape shape)
    {
        using var model = Create(spec, shape);
        return model.parameters().Sum(p => p.numel());
    }

    private static nn.Module<Tensor, Tensor> Mlp(IReadOnlyList<int> hidden, double dropout, InputShape shape)
    {
        var layers = new List<(string, nn.Module<Tensor, Tensor>)> { ("flatten", nn.Flatten()) };
        int width = shape.Features;
        for (int i = 0; i < hidden.Count; i++)
        {
            layers.Add(($"fc{i + 1}", nn.Linear(width, hidden[i])));
            layers.Add(($"relu{i + 1}", nn.ReLU()));
            if (dropout > 0)
            {
                layers.Add(($"dropout{i + 1}", new SeededDropout(dropout)));
            }
            width = hidden[i];
        }
        layers.Add(("out", nn.Linear(width, shape.NumClasses)));
        return new LayerStack(layers);
    }

    private static nn.Module<Tensor, Tensor> Cnn(InputShape shape, double dropout) =>
        new LayerStack(("features", CnnFeatures(shape)), ("classifier", CnnHead(CnnFeatureCount(shape), shape.NumClasses, dropout)));

    /// <summary>The FedMM CNN's feature extractor: conv5x5-32, ReLU, pool 2, conv5x5-48, ReLU, pool 2, flatten.</summary>
    internal static nn.Module<Tensor, Tensor> CnnFeatures(InputShape shape) => new LayerStack(
        ("conv1", nn.Conv2d(shape.Channels, 32, 5, padding: 2)),
        ("relu1", nn.ReLU()),
        ("pool1", nn.MaxPool2d(2)),
        ("conv2", nn.Conv2d(32, 48, 5, padding: 2)),
        ("relu2", nn.ReLU()),
        ("pool2", nn.MaxPool2d(2)),
        ("flatten", nn.Flatten()));

    /// <summary>The FedMM CNN's label head: FC 100, ReLU, FC 100, ReLU, FC outputs (with dropout after each ReLU when asked).</summary>
    internal static nn.Module<Tensor, Tensor> CnnHead(long inputs, int outputs, double dropout = 0)
    {
        var layers = new List<(string, nn.Module<Tensor, Tensor>)> { ("fc1", nn.Linear(inputs, 100)), ("relu1", nn.ReLU()) };
        if (dropout > 0)
        {
            layers.Add(("dropout1", new SeededDropout(dropout)));
        }
        layers.AddRange([("fc2", nn.Linear(100, 100)), ("relu2", nn.ReLU())]);
        if (dropout > 0)
        {
            layers.Add(("dropout2", new SeededDropout(dropout)));
        }
        layers.Add(("out", nn.Linear(100, outputs)));
        return new LayerStack(layers);
    }

    internal static int CnnFeatureCount(InputShape shape)
    {
        if (shape.Height % 4 != 0 || shape.Width % 4 != 0)
        {
            throw new ArgumentException($"the CNN pools twice by 2: input {shape.Height}x{shape.Width} must be divisible by 4");
        }
        return 48 * (shape.Height / 4) * (shape.Width / 4);
    }
}
