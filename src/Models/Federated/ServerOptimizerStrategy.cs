
namespace FedOrleans.Models.Federated;

/// <summary>
/// FedOpt (Reddi et al. 2021): the server treats delta = average - global as a pseudo-gradient.
/// FedAvgM: m = beta m + delta; w = w + eta m.
/// FedAdam: m = b1 m + (1 - b1) delta; v = b2 v + (1 - b2) delta^2; w = w + eta m / (sqrt(v) + tau)
/// (no bias correction, as in the paper's Algorithm 2).
/// </summary>
public sealed class ServerOptimizerStrategy(StrategySpec spec, TrainerSettings settings) : FedAvgStrategy(spec, settings)
{
    public override string Describe() => Spec.Kind == StrategyKind.FedAdam
        ? $"FedAdam(eta={Spec.ServerLearningRate}, b1={Spec.Beta1}, b2={Spec.Beta2}, tau={Spec.Tau}, fraction={Spec.FractionFit})"
        : $"FedAvgM(eta={Spec.ServerLearningRate}, momentum={Spec.ServerMomentum}, fraction={Spec.FractionFit})";

    protected override StrategyState ServerStep(StrategyState state, float[] average)
    {
        var global = state.Global.Values;
        int n = global.Length;
        var next = new float[n];
        if (Spec.Kind == StrategyKind.FedAvgM)
        {
            var m = state.Slots.Count == 1 ? state.Slots[0] : new float[n];
            var m2 = new float[n];
            for (int i = 0; i < n; i++)
            {
                double delta = (double)average[i] - global[i];
                m2[i] = (float)(Spec.ServerMomentum * m[i] + delta);
                next[i] = (float)(global[i] + Spec.ServerLearningRate * m2[i]);
            }
            return new StrategyState(new ModelWeights(next), [m2], state.Step + 1);
        }
        var mPrev = state.Slots.Count == 2 ? state.Slots[0] : new float[n];
        var vPrev = state.Slots.Count == 2 ? state.Slots[1] : new float[n];
        var mNext = new float[n];
        var vNext = new float[n];
        for (int i = 0; i < n; i++)
        {
            double delta = (double)average[i] - global[i];
            double mi = Spec.Beta1 * mPrev[i] + (1 - Spec.Beta1) * delta;
            double vi = Spec.Beta2 * vPrev[i] + (1 - Spec.Beta2) * delta * delta;
            mNext[i] = (float)mi;
            vNext[i] = (float)vi;
            next[i] = (float)(global[i] + Spec.ServerLearningRate * mi / (Math.Sqrt(vi) + Spec.Tau));
        }
        return new StrategyState(new ModelWeights(next), [mNext, vNext], state.Step + 1);
    }
}
