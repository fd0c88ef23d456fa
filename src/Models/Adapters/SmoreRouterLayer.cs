using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedOrleans.Models.Adapters;

/// <summary>
/// The router of one S'MoRE layer: <c>q = mlp(h)</c> (Linear → activation → Linear) against learnable keys
/// <c>[s, d_g]</c>, then the gate. <c>h</c> is the down-projected token followed by the keys of the experts chosen
/// at every layer above. The noisy gate also owns <c>weight_noise</c> (<c>[s, g]</c>, no bias, zero-initialised).
/// </summary>
internal sealed class SmoreRouterLayer : nn.Module
{
    private readonly Sequential mlp;
    private readonly Parameter keys;
    private readonly Linear? weight_noise;
    private readonly GateKind _gate;
    private readonly int _fanOut;
    private readonly double _balanceLossWeight;

    public SmoreRouterLayer(int inputDim, int gateDim, int experts, int fanOut, GateKind gate,
        AdapterActivation activation, double balanceLossWeight, Generator generator) : base(nameof(SmoreRouterLayer))
    {
        _gate = gate;
        _fanOut = fanOut;
        _balanceLossWeight = balanceLossWeight;
        var first = nn.Linear(inputDim, gateDim, hasBias: true);
        var second = nn.Linear(gateDim, gateDim, hasBias: true);
        using (no_grad())
        {
            AdapterInit.Linear(first.weight!, first.bias, generator);
            AdapterInit.Linear(second.weight!, second.bias, generator);
        }
        mlp = nn.Sequential(("0", first), ("1", AdapterActivations.Module(activation)), ("2", second));
        keys = nn.Parameter(empty(experts, gateDim));
        using (no_grad())
        {
            keys.uniform_(0, 1, generator);
        }
        if (gate == GateKind.NoisyTopK)
        {
            weight_noise = nn.Linear(inputDim, experts, hasBias: false);
            using (no_grad())
            {
                weight_noise.weight!.zero_();
            }
        }
        RegisterComponents();
    }

    public int Experts => (int)keys.shape[0];

    /// <summary>
    /// Routes <paramref name="input"/> <c>[N, paths..., g]</c>. <paramref name="standardNormal"/> (shaped like the logits,
    /// <c>[N, paths..., s]</c>) is the noise of the noisy gate in training, null otherwise. Returns the decision and
    /// the keys of the selected experts <c>[N, paths..., f, d_g]</c> (the normalised keys for the noisy gate).
    /// </summary>
    public (GateDecision Decision, Tensor SelectedKeys) Route(Tensor input, Tensor? tokenMask, Tensor? standardNormal)
    {
        using var scope = NewDisposeScope();
        var query = mlp.call(input);
        GateDecision decision;
        Tensor keyBank;
        switch (_gate)
        {
            case GateKind.Dense:
                keyBank = keys;
                decision = GateFunctions.Dense(query.matmul(keys.t()));
                break;
            case GateKind.Switch:
                keyBank = keys;
                decision = GateFunctions.Switch(query.matmul(keys.t()), _fanOut, tokenMask, _balanceLossWeight);
                break;
            case GateKind.NoisyTopK:
                keyBank = nn.functional.normalize(keys, p: 2, dim: -1, eps: 1e-12);
                var clean = nn.functional.normalize(query, p: 2, dim: -1, eps: 1e-12).matmul(keyBank.t());
                var scale = standardNormal is null ? null : GateFunctions.NoiseScale(weight_noise!.call(input));
                decision = GateFunctions.NoisyTopK(clean, standardNormal, scale, _fanOut, tokenMask, _balanceLossWeight);
                break;
            default:
                throw new InvalidOperationException($"unknown gate {_gate}");
        }
        var flat = decision.Indices.flatten();
        var shape = decision.Indices.shape.Append(keyBank.shape[1]).ToArray();
        var selected = keyBank.index_select(0, flat).view(shape);
        decision.MoveToOuterDisposeScope();
        return (decision, selected.MoveToOuterDisposeScope());
    }

    /// <summary>Whether this gate draws noise in training.</summary>
    public bool IsNoisy => _gate == GateKind.NoisyTopK;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            mlp.Dispose();
            keys.Dispose();
            weight_noise?.Dispose();
        }
        base.Dispose(disposing);
    }
}
