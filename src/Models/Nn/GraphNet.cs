using FedOrleans.Models.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedOrleans.Models.Nn;

/// <summary>
/// The two-layer graph model of <see cref="GnnSpec"/>: <see cref="Embed"/> is the private message-passing
/// part θ, <see cref="Classify"/> the federated classifier φ. Parameters are ordered θ then φ, so
/// <see cref="ThetaCount"/> cuts the flat weight vector in two. Dropout masks come from the caller's generator.
/// </summary>
public sealed class GraphNet : nn.Module
{
    private readonly Linear theta_self;
    private readonly Linear? theta_neighbours;
    private readonly Linear phi;
    private readonly GnnSpec _spec;

    public GraphNet(GnnSpec spec, int features, int classes) : base(nameof(GraphNet))
    {
        _spec = spec;
        theta_self = nn.Linear(features, spec.Hidden, hasBias: true);
        theta_neighbours = spec.Kind == GnnKind.Sage ? nn.Linear(features, spec.Hidden, hasBias: false) : null;
        phi = nn.Linear(EmbeddingSize, classes);
        RegisterComponents();
    }

    /// <summary>Width of the embedding H that φ classifies: hidden for GCN, 2 x hidden for SAGE (self and neighbour mean).</summary>
    public int EmbeddingSize => _spec.Kind == GnnKind.Sage ? 2 * _spec.Hidden : _spec.Hidden;

    public IReadOnlyList<Parameter> Theta => theta_neighbours is null
        ? [theta_self.weight!, theta_self.bias!]
        : [theta_self.weight!, theta_self.bias!, theta_neighbours.weight!];

    public IReadOnlyList<Parameter> Phi => [phi.weight!, phi.bias!];

    public int ThetaCount => (int)Theta.Sum(p => p.numel());

    public int PhiCount => (int)Phi.Sum(p => p.numel());

    /// <summary>
    /// H = MP_θ(X): GCN: Â · act(Â (drop(X) W1) + b1), then dropout; SAGE: h = act(drop(X) W_self + b + M drop(X) W_neigh),
    /// H = [drop(h), M drop(h)] with M the neighbour mean. <paramref name="generator"/> null: no dropout (evaluation).
    /// </summary>
    public Tensor Embed(Tensor x, Tensor propagation, Generator? generator)
    {
        var h0 = Dropout(x, generator);
        Tensor h;
        if (theta_neighbours is null)
        {
            h = Activate(mm(propagation, h0.matmul(theta_self.weight!.t())).add(theta_self.bias!, alpha: TorchScalars.One));
            return mm(propagation, Dropout(h, generator));
        }
        h = Activate(theta_self.call(h0).add(theta_neighbours.call(mm(propagation, h0)), alpha: TorchScalars.One));
        var dropped = Dropout(h, generator);
        return cat([dropped, mm(propagation, dropped)], 1);
    }

    public Tensor Classify(Tensor embedding) => phi.call(embedding);

    /// <summary>Also frees the layers' native modules (<see cref="TorchModules.ReleaseNative"/>): a graph fit builds its net anew.</summary>
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            TorchModules.ReleaseNative(this);
        }
    }

    private Tensor Activate(Tensor t) => _spec.Activation switch
    {
        GnnActivation.Relu => nn.functional.relu(t),
        GnnActivation.Elu => nn.functional.elu(t, 1.0, false),
        GnnActivation.Tanh => t.tanh(),
        _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };

    private Tensor Dropout(Tensor t, Generator? generator)
    {
        if (generator is null || _spec.Dropout <= 0)
        {
            return t;
        }
        using var keep = (1 - _spec.Dropout).ToScalar();
        using var scale = (1 / (1 - _spec.Dropout)).ToScalar();
        var mask = rand(t.shape, generator: generator, device: t.device).lt(keep).to_type(t.dtype);
        return t.mul(mask).mul(scale);
    }

    /// <summary>Glorot-uniform weights (Kipf and Welling's initialisation) and zero biases, from a seed.</summary>
    public static float[] InitialWeights(GnnSpec spec, int features, int classes, ulong seed)
    {
        TorchRuntime.EnsureThreadConfigured();
        using var scope = NewDisposeScope();
        using var net = new GraphNet(spec, features, classes);
        using var generator = new Generator(seed);
        using (no_grad())
        {
            foreach (var p in net.parameters())
            {
                if (p.dim() == 1)
                {
                    p.zero_();
                    continue;
                }
                double bound = Math.Sqrt(6.0 / (p.shape[0] + p.shape[1]));
                using var width = (2 * bound).ToScalar();
                using var shift = (-bound).ToScalar();
                p.copy_(rand(p.shape, generator: generator).mul(width).add(shift, alpha: TorchScalars.One));
            }
        }
        return ParameterVector.Read(net);
    }
}
