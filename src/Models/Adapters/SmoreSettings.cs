namespace FedOrleans.Models.Adapters;

/// <summary>
/// The shape of one S'MoRE adapter. Layer <c>l = 0 .. L-1</c> (0 is the leaf layer, whose experts are computed first
/// and whose router runs last) holds <see cref="Experts"/>[l] residual experts of rank <see cref="Ranks"/>[l];
/// each router path picks <see cref="FanOuts"/>[l] children; <see cref="GateDims"/>[l] is the width of the router
/// MLP and of the keys. Hidden widths: <c>d_0 = 0</c>, <c>d_{l+1} = d_l + s_l·r_l</c>. <see cref="Scaling"/> multiplies
/// every expert's output <c>B(Ax + a) + b</c> before the activation (the official <c>lora_alpha / r</c>; 1.0, the
/// submitted default, unless set).
/// </summary>
public sealed record SmoreSettings(
    IReadOnlyList<int> Experts,
    IReadOnlyList<int> Ranks,
    IReadOnlyList<int> FanOuts,
    IReadOnlyList<int> GateDims,
    int DownProjectionDim = 32,
    GateKind Gate = GateKind.Switch,
    AdapterActivation ExpertActivation = AdapterActivation.Tanh,
    AdapterActivation GateActivation = AdapterActivation.Relu,
    SmoreInit Init = SmoreInit.WFinalZero,
    double BalanceLossWeight = 0.01,
    double Scaling = 1.0) : IAdapterSettings
{
    public LinearAdapter Create(int inFeatures, int outFeatures, ulong seed) => new SmoreAdapter(inFeatures, outFeatures, this, seed);

    public string Describe() =>
        $"S'MoRE ({string.Join('-', Experts)}) {Gate} f={string.Join(',', FanOuts.Select((_, l) => EffectiveFanOut(l)))} r={string.Join(',', Ranks)} router {DownProjectionDim}/{string.Join(',', GateDims.Distinct())}"
        + (ExpertActivation == AdapterActivation.Tanh ? "" : $" {ExpertActivation.ToString().ToLowerInvariant()}")
        + (Scaling == 1.0 ? "" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $" scaling {Scaling}"));

    /// <summary>The number of S'MoRE layers L.</summary>
    public int Layers => Experts.Count;

    /// <summary>Throws with the name of the first inconsistent field.</summary>
    public void Validate()
    {
        if (Experts.Count == 0)
        {
            throw new ArgumentException("Experts: at least one S'MoRE layer is needed");
        }
        if (Ranks.Count != Layers || FanOuts.Count != Layers || GateDims.Count != Layers)
        {
            throw new ArgumentException($"Ranks, FanOuts and GateDims need one entry per layer ({Layers})");
        }
        for (int l = 0; l < Layers; l++)
        {
            if (Experts[l] < 1 || Ranks[l] < 1 || GateDims[l] < 1)
            {
                throw new ArgumentException($"layer {l}: Experts, Ranks and GateDims must be positive");
            }
            int fanOut = EffectiveFanOut(l);
            if (fanOut < 1 || fanOut > Experts[l])
            {
                throw new ArgumentException($"FanOuts[{l}] = {FanOuts[l]} must be in 1..Experts[{l}] = {Experts[l]}");
            }
            if (Gate == GateKind.NoisyTopK && fanOut == Experts[l])
            {
                throw new ArgumentException($"FanOuts[{l}]: the noisy top-k gate needs fewer active than available experts");
            }
        }
        if (DownProjectionDim < 1)
        {
            throw new ArgumentException("DownProjectionDim must be positive");
        }
        if (!(Scaling > 0) || double.IsInfinity(Scaling))
        {
            throw new ArgumentException("Scaling must be a positive number");
        }
        if (BalanceLossWeight < 0)
        {
            throw new ArgumentException("BalanceLossWeight must not be negative");
        }
    }

    /// <summary>The number of children each path selects at layer <paramref name="layer"/> (all experts for the dense gate).</summary>
    public int EffectiveFanOut(int layer) => Gate == GateKind.Dense ? Experts[layer] : FanOuts[layer];

    /// <summary>Hidden widths <c>d_0 .. d_L</c>.</summary>
    public int[] Widths()
    {
        var d = new int[Layers + 1];
        for (int l = 0; l < Layers; l++)
        {
            d[l + 1] = d[l] + Experts[l] * Ranks[l];
        }
        return d;
    }

    /// <summary>Router input widths <c>g_l = d_down + Σ_{k&gt;l} GateDims[k]</c>.</summary>
    public int[] RouterInputWidths()
    {
        var g = new int[Layers];
        int ancestors = 0;
        for (int l = Layers - 1; l >= 0; l--)
        {
            g[l] = DownProjectionDim + ancestors;
            ancestors += GateDims[l];
        }
        return g;
    }

    /// <summary>
    /// The exact number of trainable parameters of one adapter on a linear <paramref name="inFeatures"/> →
    /// <paramref name="outFeatures"/>: down-projection, router MLPs, keys (and noise projections), experts with
    /// their biases, inter-layer W, and W_proj with its bias.
    /// </summary>
    public long ParameterCount(int inFeatures, int outFeatures)
    {
        var d = Widths();
        var g = RouterInputWidths();
        long count = (long)inFeatures * DownProjectionDim + DownProjectionDim;
        for (int l = 0; l < Layers; l++)
        {
            long dg = GateDims[l];
            count += g[l] * dg + dg + dg * dg + dg + Experts[l] * dg;
            if (Gate == GateKind.NoisyTopK)
            {
                count += (long)Experts[l] * g[l];
            }
            long s = Experts[l], r = Ranks[l];
            count += s * r * inFeatures + s * r + s * d[l + 1] * r + s * d[l + 1];
            if (l > 0)
            {
                count += (long)d[l + 1] * d[l] + d[l + 1];
            }
        }
        count += (long)outFeatures * d[Layers] + outFeatures;
        return count;
    }

    /// <summary>
    /// The paper's cost formula (§3.4) for the weight matrices only, with <c>d_in = d</c>:
    /// <c>Σ_l (s_l·d·r_l + d_{l+1}²) + d_out·d_L</c> (A, B and W of every layer, then W_proj; no biases, no router).
    /// </summary>
    public long PaperMatrixCount(int inFeatures, int outFeatures)
    {
        var d = Widths();
        long count = 0;
        for (int l = 0; l < Layers; l++)
        {
            count += (long)Experts[l] * inFeatures * Ranks[l] + (long)d[l + 1] * d[l + 1];
        }
        return count + (long)outFeatures * d[Layers];
    }
}
