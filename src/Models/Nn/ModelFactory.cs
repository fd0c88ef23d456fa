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
        ModelKind.Logistic => nn.Sequential(
            ("flatten", nn.Flatten()),
            ("linear", nn.Linear(shape.Features, shape.NumClasses))),
        ModelKind.Mlp => Mlp(spec.Hidden, shape),
        ModelKind.Cnn => Cnn(shape),
        _ => throw new ArgumentOutOfRangeException(nameof(spec)),
    };

    /// <summary>
    /// Seeded initial weights: every weight uniform in +-1/sqrt(fan_in) (PyTorch's default bound for
    /// linear and conv layers), every bias zero. Independent of the global torch generator.
    /// </summary>
    public static float[] InitialWeights(ModelSpec spec, InputShape shape, ulong seed)
    {
        TorchRuntime.EnsureThreadConfigured();
        using var scope = NewDisposeScope();
        using var model = Create(spec, shape);
        using var generator = new Generator(seed);
        using (no_grad())
        {
            foreach (var p in model.parameters())
            {
                if (p.dim() == 1)
                {
                    p.zero_();
                    continue;
                }
                long fanIn = p.shape.Skip(1).Aggregate(1L, (a, b) => a * b);
                double bound = 1.0 / Math.Sqrt(fanIn);
                // Explicit scalars, kept alive until the native calls return (see Training/LocalOptimizer).
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

    private static nn.Module<Tensor, Tensor> Mlp(IReadOnlyList<int> hidden, InputShape shape)
    {
        var layers = new List<(string, nn.Module<Tensor, Tensor>)> { ("flatten", nn.Flatten()) };
        int width = shape.Features;
        for (int i = 0; i < hidden.Count; i++)
        {
            layers.Add(($"fc{i + 1}", nn.Linear(width, hidden[i])));
            layers.Add(($"relu{i + 1}", nn.ReLU()));
            width = hidden[i];
        }
        layers.Add(("out", nn.Linear(width, shape.NumClasses)));
        return nn.Sequential(layers);
    }

    private static nn.Module<Tensor, Tensor> Cnn(InputShape shape)
    {
        if (shape.Height % 4 != 0 || shape.Width % 4 != 0)
        {
            throw new ArgumentException($"the CNN pools twice by 2: input {shape.Height}x{shape.Width} must be divisible by 4");
        }
        int flat = 48 * (shape.Height / 4) * (shape.Width / 4);
        return nn.Sequential(
            ("conv1", nn.Conv2d(shape.Channels, 32, 5, padding: 2)),
            ("relu1", nn.ReLU()),
            ("pool1", nn.MaxPool2d(2)),
            ("conv2", nn.Conv2d(32, 48, 5, padding: 2)),
            ("relu2", nn.ReLU()),
            ("pool2", nn.MaxPool2d(2)),
            ("flatten", nn.Flatten()),
            ("fc1", nn.Linear(flat, 100)),
            ("relu3", nn.ReLU()),
            ("fc2", nn.Linear(100, 100)),
            ("relu4", nn.ReLU()),
            ("out", nn.Linear(100, shape.NumClasses)));
    }
}
