using FedOrleans.Models.Federated;
using FedOrleans.Models.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace FedOrleans.Models.Training.Cohorts;

/// <summary>
/// <see cref="LocalOptimizer"/>'s SGD (momentum, weight decay), Adam and AdamW on stacked parameters <c>[K, ...]</c>,
/// in the same order of operations, with per-client state, updated in place. The cohort is ordered longest fit first,
/// so a step moves a prefix of the clients: a client whose fit has ended keeps its weights and its moments. Every
/// client that takes a step has taken the same number of steps before, so Adam's bias correction is one scalar per step.
/// Scalars are created explicitly and kept alive for the native calls (see <see cref="LocalOptimizer"/>).
/// </summary>
internal sealed class CohortOptimizer : IDisposable
{
    private readonly IReadOnlyList<Tensor> _parameters;
    private readonly TrainerSettings _settings;
    private readonly OptimizerScalars _scalars;
    private readonly int _clients;
    private readonly Tensor?[] _first;
    private readonly Tensor?[] _second;
    private readonly Scalar _negativeLearningRate;
    private readonly Scalar _decayKeep;
    private int _steps;

    public CohortOptimizer(IReadOnlyList<Tensor> parameters, TrainerSettings settings)
    {
        _parameters = parameters;
        _settings = settings;
        _clients = (int)parameters[0].shape[0];
        _first = new Tensor?[parameters.Count];
        _second = new Tensor?[parameters.Count];
        _negativeLearningRate = (-settings.LearningRate).ToScalar();
        _scalars = new OptimizerScalars(settings);
        _decayKeep = (1 - settings.LearningRate * settings.WeightDecay).ToScalar();
    }

    public void ZeroGrad()
    {
        foreach (var p in _parameters)
        {
            p.grad?.zero_();
        }
    }

    /// <param name="active">The clients that take this step: the first <paramref name="active"/> of the cohort (the others'
    /// fits have ended; their weights and moments are left alone).</param>
    public void Step(int active)
    {
        using var scope = NewDisposeScope();
        Step(active, _parameters.Select(p => p.grad is { } grad ? Prefix(grad, active) : null).ToList());
    }

    /// <summary>A step with gradients given for the first <paramref name="active"/> clients, in parameter order (null: none).</summary>
    public void Step(int active, IReadOnlyList<Tensor?> gradients)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        _steps++;
        for (int i = 0; i < _parameters.Count; i++)
        {
            var g = gradients[i];
            if (g is null)
            {
                continue;
            }
            var p = Prefix(_parameters[i], active);
            if (_settings.WeightDecay > 0 && _settings.Optimizer == OptimizerKind.AdamW)
            {
                p.mul_(_decayKeep);
            }
            else if (_settings.WeightDecay > 0)
            {
                g = g.add(p, alpha: _scalars.WeightDecay);
            }
            if (_settings.Optimizer is OptimizerKind.Adam or OptimizerKind.AdamW)
            {
                AdamStep(i, p, g, active);
            }
            else
            {
                SgdStep(i, p, g, active);
            }
        }
    }

    public void Dispose()
    {
        foreach (var t in _first.Concat(_second))
        {
            t?.Dispose();
        }
        _negativeLearningRate.Dispose();
        _decayKeep.Dispose();
        _scalars.Dispose();
    }

    private void SgdStep(int i, Tensor p, Tensor g, int active)
    {
        if (_settings.Momentum > 0)
        {
            if (_first[i] is null)
            {
                // Every client takes the cohort's first step: the buffer starts as the gradient, as in PyTorch.
                _first[i] = g.detach().clone().DetachFromDisposeScope();
                g = _first[i]!;
            }
            else
            {
                g = Prefix(_first[i]!, active).mul_(_scalars.Momentum).add_(g, alpha: TorchScalars.One);
            }
        }
        p.add_(g, alpha: _negativeLearningRate);
    }

    private void AdamStep(int i, Tensor p, Tensor g, int active)
    {
        _first[i] ??= zeros_like(_parameters[i]).DetachFromDisposeScope();
        _second[i] ??= zeros_like(_parameters[i]).DetachFromDisposeScope();
        var m = Prefix(_first[i]!, active);
        var v = Prefix(_second[i]!, active);
        m.mul_(_scalars.Beta1).add_(g, alpha: _scalars.OneMinusBeta1);
        v.mul_(_scalars.Beta2).addcmul_(g, g, value: _scalars.OneMinusBeta2);
        double correction1 = 1 - Math.Pow(OptimizerScalars.AdamBeta1, _steps);
        double correction2 = 1 - Math.Pow(OptimizerScalars.AdamBeta2, _steps);
        using var sqrtCorrection2 = Math.Sqrt(correction2).ToScalar();
        using var stepSize = (-_settings.LearningRate / correction1).ToScalar();
        var denominator = v.sqrt().div_(sqrtCorrection2).add_(_scalars.Epsilon, alpha: TorchScalars.One);
        p.addcdiv_(m, denominator, value: stepSize);
    }

    /// <summary>The first <paramref name="count"/> clients' slice: a view, so in-place updates reach the stacked tensor.</summary>
    private Tensor Prefix(Tensor t, int count) => count == _clients ? t : t.narrow(0, 0, count);
}
