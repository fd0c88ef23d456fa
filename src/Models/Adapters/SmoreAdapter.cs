using FedOrleans.Models.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedOrleans.Models.Adapters;

/// <summary>
/// S'MoRE (Zeng et al., NeurIPS 2025): L layers of residual low-rank experts on a frozen linear layer, routed top
/// down and computed bottom up. The router down-projects the token (<c>downproj</c>), and layer <c>l</c>'s router
/// (<c>gates.l</c>) scores its experts from the token and the keys of the chosen ancestors. Experts then run from the
/// leaf layer up: <c>x_{l+1}[π] = Σ_j α_l[π,j] · σ(u_l^{idx_l[π,j]} + W_l x_l[π,j] + w_l)</c> with
/// <c>u_l^i = B_l^i (A_l^i x + a_l^i) + b_l^i</c>, and <c>Δ(x) = W_final x_L + W_final_bias</c>.
/// Every expert of a layer is one batched tensor operation. Parameter names are the adapter checkpoint format.
/// </summary>
public sealed class SmoreAdapter : LinearAdapter
{
    private readonly Linear downproj;
    private readonly ModuleList<SmoreRouterLayer> gates;
    private readonly ModuleList<SmoreExpertLayer> layers;
    private readonly Parameter W_final;
    private readonly Parameter W_final_bias;

    /// <summary>A new adapter for a linear <paramref name="inFeatures"/> → <paramref name="outFeatures"/>, every draw from <paramref name="seed"/>.</summary>
    public SmoreAdapter(int inFeatures, int outFeatures, SmoreSettings settings, ulong seed)
        : base(nameof(SmoreAdapter), inFeatures, outFeatures)
    {
        settings.Validate();
        Settings = settings;
        using var generator = new Generator(seed);
        var d = settings.Widths();
        var g = settings.RouterInputWidths();
        downproj = nn.Linear(inFeatures, settings.DownProjectionDim, hasBias: true);
        using (no_grad())
        {
            AdapterInit.Linear(downproj.weight!, downproj.bias, generator);
        }
        gates = new ModuleList<SmoreRouterLayer>();
        layers = new ModuleList<SmoreExpertLayer>();
        for (int l = 0; l < settings.Layers; l++)
        {
            layers.Add(new SmoreExpertLayer(l, inFeatures, settings.Experts[l], settings.Ranks[l], d[l], d[l + 1], settings.Init, settings.Scaling, generator));
        }
        for (int l = 0; l < settings.Layers; l++)
        {
            gates.Add(new SmoreRouterLayer(g[l], settings.GateDims[l], settings.Experts[l], settings.EffectiveFanOut(l),
                settings.Gate, settings.GateActivation, settings.BalanceLossWeight, generator));
        }
        W_final = nn.Parameter(empty(outFeatures, d[settings.Layers]));
        W_final_bias = nn.Parameter(zeros(outFeatures));
        using (no_grad())
        {
            if (settings.Init == SmoreInit.Normal)
            {
                AdapterInit.KaimingUniform(W_final, generator);
            }
            else
            {
                W_final.zero_();
            }
        }
        RegisterComponents();
    }

    public SmoreSettings Settings { get; }

    /// <summary>
    /// Replaces the noisy gate's training noise: given the layer and the logits' shape, the standard-normal draws
    /// to use (for checking against a reference that stored its draws). Null: draw from <see cref="LinearAdapter.NoiseGenerator"/>.
    /// </summary>
    public Func<int, long[], Tensor>? NoiseOverride { get; set; }

    /// <summary>
    /// Called with every forward pass of <see cref="forward"/> (diagnostics: <c>FineTuning.SmoreDiagnostics</c>); the
    /// tensors live until the callback returns. Null: nothing is observed.
    /// </summary>
    public Action<SmoreForward>? Probe { get; set; }

    /// <summary>The update for <paramref name="input"/>; the auxiliary loss (if any) goes to <see cref="LinearAdapter.Context"/>.</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var result = Run(input, Context?.TokenMask);
        Probe?.Invoke(result);
        if (result.AuxiliaryLoss is not null && Context is not null)
        {
            Context.Add(result.AuxiliaryLoss);
        }
        return result.Delta.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The full forward pass for <paramref name="input"/> <c>[..., in]</c> under an optional token mask (any shape with
    /// one entry per token, e.g. <c>[B, T]</c>), with every gate's decision. Noise is drawn only in training mode.
    /// </summary>
    public SmoreForward Run(Tensor input, Tensor? tokenMask)
    {
        using var scope = NewDisposeScope();
        int layerCount = Settings.Layers;
        var tokens = input.reshape(-1, InFeatures);
        long n = tokens.shape[0];
        var mask = tokenMask?.reshape(n);

        // Routing, top layer first; each path's context grows by the key of the expert it chose.
        var routerInputs = new Tensor[layerCount];
        var decisions = new GateDecision[layerCount];
        var selectedKeys = new Tensor[layerCount];
        var preActivations = new Tensor[layerCount];
        var context = downproj.call(tokens);
        for (int l = layerCount - 1; l >= 0; l--)
        {
            routerInputs[l] = context;
            var gate = gates[l];
            Tensor? noise = null;
            if (training && gate.IsNoisy)
            {
                var shape = context.shape[..^1].Append((long)gate.Experts).ToArray();
                noise = NoiseOverride?.Invoke(l, shape) ?? randn(shape, device: context.device, generator: NoiseGenerator);
            }
            (decisions[l], selectedKeys[l]) = gate.Route(context, mask, noise);
            if (l > 0)
            {
                var keys = selectedKeys[l];
                var fanOut = keys.shape[^2];
                var expandedShape = context.shape[..^1].Append(fanOut).Append(context.shape[^1]).ToArray();
                context = cat([context.unsqueeze(-2).expand(expandedShape), keys], -1);
            }
        }

        // Experts, leaf layer first; each layer sums its children over the last fan-out axis.
        Tensor? below = null;
        for (int l = 0; l < layerCount; l++)
        {
            var outputs = layers[l].ExpertOutputs(tokens);
            var chosen = Gather(outputs, decisions[l].Indices);
            var preActivation = below is null ? chosen : chosen.add(layers[l].Propagate(below), alpha: TorchScalars.One);
            preActivations[l] = preActivation;
            var activated = AdapterActivations.Apply(Settings.ExpertActivation, preActivation);
            below = activated.mul(decisions[l].Scores.unsqueeze(-1)).sum(-2);
        }
        var delta = nn.functional.linear(below!, W_final, W_final_bias);
        var outputShape = input.shape[..^1].Append((long)OutFeatures).ToArray();
        delta = delta.reshape(outputShape);

        Tensor? loss = null;
        foreach (var decision in decisions)
        {
            if (decision.Loss is not null)
            {
                loss = loss is null ? decision.Loss.alias() : loss.add(decision.Loss, alpha: TorchScalars.One);
            }
        }
        foreach (var t in routerInputs.Concat(selectedKeys).Concat(preActivations))
        {
            t.MoveToOuterDisposeScope();
        }
        foreach (var decision in decisions)
        {
            decision.MoveToOuterDisposeScope();
        }
        loss?.MoveToOuterDisposeScope();
        return new SmoreForward(delta.MoveToOuterDisposeScope(), loss, routerInputs, decisions, selectedKeys, preActivations);
    }

    /// <summary>Picks <c>outputs [N, s, d]</c> by <c>indices [N, paths..., f]</c>: <c>[N, paths..., f, d]</c>.</summary>
    private static Tensor Gather(Tensor outputs, Tensor indices)
    {
        long n = outputs.shape[0];
        long width = outputs.shape[2];
        var flat = indices.reshape(n, -1);
        var picked = outputs.gather(1, flat.unsqueeze(-1).expand(n, flat.shape[1], width));
        return picked.view(indices.shape.Append(width).ToArray());
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            downproj.Dispose();
            gates.Dispose();
            layers.Dispose();
            W_final.Dispose();
            W_final_bias.Dispose();
        }
        base.Dispose(disposing);
    }
}
