using FedOrleans.Models.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace FedOrleans.Models.Training.Cohorts;

/// <summary>
/// <see cref="LocalOptimizer"/>'s SGD (momentum, weight decay), Adam and AdamW on stacked parameters <c>[K, ...]</c>,
/// in the same order of operations, with per-client state, updated in place. A step moves only the clients marked
/// active: a client whose fit has ended keeps its weights and its moments. Every active client of a cohort has taken the same
/// number of steps (a fit's steps are a prefix of the cohort's), so Adam's bias correction is one scalar per step.
/// Scalars are created explicitly and kept alive for the native calls (see <see cref="LocalOptimizer"/>).
/// </summary>
internal sealed class CohortOptimizer : IDisposable
{
    private const double AdamEpsilon = 1e-8;
    private const double AdamBeta1 = 0.9;
    private const double AdamBeta2 = 0.999;

    private readonly IReadOnlyList<Tensor> _parameters;
    private readonly TrainerSettings _settings;
    private readonly int _clients;
    private readonly Tensor?[] _first;
    private readonly Tensor?[] _second;
    private readonly Scalar _negativeLearningRate;
    private readonly Scalar _momentum;
    private readonly Scalar _weightDecay;
    private readonly Scalar _beta1;
    private readonly Scalar _oneMinusBeta1;
    private readonly Scalar _beta2;
    private readonly Scalar _oneMinusBeta2;
    private readonly Scalar _epsilon;
    private readonly Scalar _decayKeep;
    private int _steps;

    public CohortOptimizer(IReadOnlyList<Tensor> parameters, TrainerSettings settings, int clients)
    {
        _parameters = parameters;
        _settings = settings;
        _clients = clients;
        _first = new Tensor?[parameters.Count];
        _second = new Tensor?[parameters.Count];
        _negativeLearningRate = (-settings.LearningRate).ToScalar();
        _momentum = settings.Momentum.ToScalar();
        _weightDecay = settings.WeightDecay.ToScalar();
        _beta1 = AdamBeta1.ToScalar();
        _oneMinusBeta1 = (1 - AdamBeta1).ToScalar();
        _beta2 = AdamBeta2.ToScalar();
        _oneMinusBeta2 = (1 - AdamBeta2).ToScalar();
        _epsilon = AdamEpsilon.ToScalar();
        _decayKeep = (1 - settings.LearningRate * settings.WeightDecay).ToScalar();
    }

    public void ZeroGrad()
    {
        foreach (var p in _parameters)
        {
            p.grad?.zero_();
        }
    }

    /// <param name="active">Float <c>[K]</c>, 1 for the clients whose fit takes this step and 0 for those whose fit has
    /// ended; null when every client takes it (the common case: the same operations as <see cref="LocalOptimizer"/>).
    /// A 0 leaves a client exactly as it was: its update is multiplied by 0 and its moments by 1.</param>
    public void Step(Tensor? active)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        _steps++;
        for (int i = 0; i < _parameters.Count; i++)
        {
            var p = _parameters[i];
            var g = p.grad;
            if (g is null)
            {
                continue;
            }
            var mask = active?.view([_clients, .. Enumerable.Repeat(1L, (int)p.dim() - 1)]);
            if (_settings.WeightDecay > 0 && _settings.Optimizer == OptimizerKind.AdamW)
            {
                // keep = 1 - lr * decay for active clients, 1 for the others.
                Scale(p, mask, _decayKeep);
            }
            else if (_settings.WeightDecay > 0)
            {
                g = g.add(p, alpha: _weightDecay);
            }
            if (mask is not null)
            {
                g = g.mul(mask);
            }
            if (_settings.Optimizer is OptimizerKind.Adam or OptimizerKind.AdamW)
            {
                AdamStep(i, p, g, mask);
            }
            else
            {
                SgdStep(i, p, g, mask);
            }
        }
    }

    public void Dispose()
    {
        foreach (var t in _first.Concat(_second))
        {
            t?.Dispose();
        }
        foreach (var s in new[] { _negativeLearningRate, _momentum, _weightDecay, _beta1, _oneMinusBeta1, _beta2, _oneMinusBeta2, _epsilon, _decayKeep })
        {
            s.Dispose();
        }
    }

    private void SgdStep(int i, Tensor p, Tensor g, Tensor? mask)
    {
        if (_settings.Momentum > 0)
        {
            if (_first[i] is null)
            {
                // Every client takes the cohort's first step: the buffer starts as the gradient, as in PyTorch.
                _first[i] = g.detach().clone().DetachFromDisposeScope();
            }
            else
            {
                Scale(_first[i]!, mask, _momentum).add_(g, alpha: TorchScalars.One);
            }
            g = mask is null ? _first[i]! : _first[i]!.mul(mask);
        }
        p.add_(g, alpha: _negativeLearningRate);
    }

    private void AdamStep(int i, Tensor p, Tensor g, Tensor? mask)
    {
        _first[i] ??= zeros_like(p).DetachFromDisposeScope();
        _second[i] ??= zeros_like(p).DetachFromDisposeScope();
        var m = _first[i]!;
        var v = _second[i]!;
        Scale(m, mask, _beta1).add_(g, alpha: _oneMinusBeta1);
        Scale(v, mask, _beta2).addcmul_(g, g, value: _oneMinusBeta2);
        double correction1 = 1 - Math.Pow(AdamBeta1, _steps);
        double correction2 = 1 - Math.Pow(AdamBeta2, _steps);
        using var sqrtCorrection2 = Math.Sqrt(correction2).ToScalar();
        using var stepSize = (-_settings.LearningRate / correction1).ToScalar();
        var denominator = v.sqrt().div_(sqrtCorrection2).add_(_epsilon, alpha: TorchScalars.One);
        p.addcdiv_(mask is null ? m : m.mul(mask), denominator, value: stepSize);
    }

    /// <summary>A per-client factor: <paramref name="factor"/> for active clients, 1 (hold) for the others.</summary>
    private static Tensor Held(Tensor mask, Scalar factor) => mask.mul(factor).add_(mask.neg().add_(ones_like(mask), alpha: TorchScalars.One), alpha: TorchScalars.One);

    /// <summary><c>t *= factor</c> for every client, or with a mask only for the active ones.</summary>
    private static Tensor Scale(Tensor t, Tensor? mask, Scalar factor) => mask is null ? t.mul_(factor) : t.mul_(Held(mask, factor));
}
