using FedOrleans.Models.Federated;
using FedOrleans.Models.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace FedOrleans.Models.Training;

/// <summary>
/// SGD (with momentum and weight decay, PyTorch semantics, no dampening), Adam (Kingma and Ba,
/// with bias correction) and AdamW (Adam with decoupled weight decay, PyTorch's <c>AdamW</c>), written
/// here rather than taken from TorchSharp. <see cref="LearningRate"/> can change between steps (schedules).
/// <para>
/// Why: TorchSharp 0.107's optimizers pass scalars created by implicit conversion (<c>alpha: -lr</c>)
/// to native calls without keeping them alive. Under garbage-collector pressure a scalar's finalizer
/// can free it while libtorch still reads it, so a step silently uses a garbage learning rate or
/// aborts the process (seen as "Expected false to be true ... toFloat" from SGD.step). Every scalar
/// here is created explicitly and disposed after its last use, which keeps it alive.
/// </para>
/// </summary>
internal sealed class LocalOptimizer : IDisposable
{
    private readonly IReadOnlyList<Tensor> _parameters;
    private readonly TrainerSettings _settings;
    private readonly OptimizerScalars _scalars;
    private readonly Tensor?[] _first;
    private readonly Tensor?[] _second;
    private Scalar _negativeLearningRate;
    private double _learningRate;
    private readonly int[] _steps;

    /// <param name="parameters">Leaf tensors with gradients: a module's parameters, or one flat buffer behind them all (<see cref="FlatParameters"/>).</param>
    public LocalOptimizer(IReadOnlyList<Tensor> parameters, TrainerSettings settings)
    {
        _parameters = parameters;
        _settings = settings;
        _first = new Tensor?[parameters.Count];
        _second = new Tensor?[parameters.Count];
        _steps = new int[parameters.Count];
        _learningRate = settings.LearningRate;
        _negativeLearningRate = (-settings.LearningRate).ToScalar();
        _scalars = new OptimizerScalars(settings);
    }

    /// <summary>The learning rate of the next <see cref="Step"/>; starts at the settings' value.</summary>
    public double LearningRate
    {
        get => _learningRate;
        set
        {
            if (value == _learningRate)
            {
                return;
            }
            var old = _negativeLearningRate;
            _negativeLearningRate = (-value).ToScalar();
            _learningRate = value;
            old.Dispose();
        }
    }

    /// <summary>
    /// Zeroes every gradient, or with <paramref name="setToNone"/> drops it (PyTorch's default
    /// <c>zero_grad(set_to_none=True)</c>): a parameter the next backward pass does not reach then has no
    /// gradient, and <see cref="Step"/> leaves it, its moments and its weight decay alone.
    /// </summary>
    public void ZeroGrad(bool setToNone = false)
    {
        foreach (var p in _parameters)
        {
            if (setToNone)
            {
                p.grad = null;
            }
            else
            {
                p.grad?.zero_();
            }
        }
    }

    public void Step()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        for (int i = 0; i < _parameters.Count; i++)
        {
            var p = _parameters[i];
            var g = p.grad;
            if (g is null)
            {
                continue;
            }
            if (_settings.WeightDecay > 0 && _settings.Optimizer == OptimizerKind.AdamW)
            {
                using var keep = (1 - _learningRate * _settings.WeightDecay).ToScalar();
                p.mul_(keep);
            }
            else if (_settings.WeightDecay > 0)
            {
                g = g.add(p, alpha: _scalars.WeightDecay);
            }
            if (_settings.Optimizer is OptimizerKind.Adam or OptimizerKind.AdamW)
            {
                AdamStep(i, p, g);
            }
            else
            {
                SgdStep(i, p, g);
            }
        }
    }

    /// <summary>
    /// The per-parameter state, for checkpoints: first moments (Adam's m, or SGD's momentum buffer), second
    /// moments (Adam's v) and step counts, by parameter index; null where a parameter has none yet.
    /// </summary>
    internal (Tensor? First, Tensor? Second, int Steps) StateOf(int index) => (_first[index], _second[index], _steps[index]);

    /// <summary>Restores what <see cref="StateOf"/> returned (the tensors are copied).</summary>
    internal void Restore(int index, Tensor? first, Tensor? second, int steps)
    {
        using var noGrad = no_grad();
        _first[index]?.Dispose();
        _second[index]?.Dispose();
        var device = _parameters[index].device;
        _first[index] = first?.detach().to(device).clone().DetachFromDisposeScope();
        _second[index] = second?.detach().to(device).clone().DetachFromDisposeScope();
        _steps[index] = steps;
    }

    public void Dispose()
    {
        foreach (var t in _first.Concat(_second))
        {
            t?.Dispose();
        }
        _negativeLearningRate.Dispose();
        _scalars.Dispose();
    }

    private void SgdStep(int i, Tensor p, Tensor g)
    {
        if (_settings.Momentum > 0)
        {
            if (_first[i] is null)
            {
                _first[i] = g.detach().clone().DetachFromDisposeScope();
            }
            else
            {
                _first[i]!.mul_(_scalars.Momentum).add_(g, alpha: TorchScalars.One);
            }
            g = _first[i]!;
        }
        p.add_(g, alpha: _negativeLearningRate);
    }

    private void AdamStep(int i, Tensor p, Tensor g)
    {
        _first[i] ??= zeros_like(p).DetachFromDisposeScope();
        _second[i] ??= zeros_like(p).DetachFromDisposeScope();
        var m = _first[i]!;
        var v = _second[i]!;
        // Bias correction counts this parameter's own steps (as PyTorch's per-parameter state does), so a
        // parameter that had no gradient for a while (GEM's logit scale before the contrastive phase) starts fresh.
        int step = ++_steps[i];
        m.mul_(_scalars.Beta1).add_(g, alpha: _scalars.OneMinusBeta1);
        v.mul_(_scalars.Beta2).addcmul_(g, g, value: _scalars.OneMinusBeta2);
        double correction1 = 1 - Math.Pow(OptimizerScalars.AdamBeta1, step);
        double correction2 = 1 - Math.Pow(OptimizerScalars.AdamBeta2, step);
        using var sqrtCorrection2 = Math.Sqrt(correction2).ToScalar();
        using var stepSize = (-_learningRate / correction1).ToScalar();
        var denominator = v.sqrt().div_(sqrtCorrection2).add_(_scalars.Epsilon, alpha: TorchScalars.One);
        p.addcdiv_(m, denominator, value: stepSize);
    }
}
