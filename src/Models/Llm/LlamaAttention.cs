using FedOrleans.Models.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace FedOrleans.Models.Llm;

/// <summary>
/// Grouped-query self-attention with rotary positions, as in Llama (eager form: scores, additive mask,
/// float32 softmax, weighted sum). Each key/value head serves <see cref="LlamaConfig.KeyValueGroups"/>
/// consecutive query heads. Submodules carry the checkpoint names q_proj, k_proj, v_proj, o_proj.
/// </summary>
public sealed class LlamaAttention : nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor>, IAdaptableProjections
{
    private readonly nn.Module<Tensor, Tensor> q_proj;
    private readonly nn.Module<Tensor, Tensor> k_proj;
    private readonly nn.Module<Tensor, Tensor> v_proj;
    private readonly nn.Module<Tensor, Tensor> o_proj;
    private readonly ProjectionAdapters _adapters = new(["q_proj", "k_proj", "v_proj", "o_proj"]);
    private readonly int _heads;
    private readonly int _keyValueHeads;
    private readonly int _headDim;

    public LlamaAttention(LlamaConfig config) : base(nameof(LlamaAttention))
    {
        _heads = config.NumAttentionHeads;
        _keyValueHeads = config.NumKeyValueHeads;
        _headDim = config.HeadDim;
        q_proj = nn.Linear(config.HiddenSize, (long)_heads * _headDim, hasBias: false);
        k_proj = nn.Linear(config.HiddenSize, (long)_keyValueHeads * _headDim, hasBias: false);
        v_proj = nn.Linear(config.HiddenSize, (long)_keyValueHeads * _headDim, hasBias: false);
        o_proj = nn.Linear((long)_heads * _headDim, config.HiddenSize, hasBias: false);
        RegisterComponents();
    }


    /// <summary>
    /// <paramref name="hidden"/> <c>[B, T, hidden]</c>; <paramref name="cos"/>/<paramref name="sin"/> from
    /// <see cref="RotaryPositions.For"/>; <paramref name="additiveMask"/> <c>[B or 1, 1, T, T]</c> from
    /// <see cref="AttentionMask.ToAdditive"/>. Returns <c>[B, T, hidden]</c>.
    /// </summary>
    public override Tensor forward(Tensor hidden, Tensor cos, Tensor sin, Tensor additiveMask)
    {
        using var scope = NewDisposeScope();
        long batch = hidden.shape[0], length = hidden.shape[1];
        var q = _adapters.Project("q_proj", q_proj, hidden).view(batch, length, _heads, _headDim).transpose(1, 2);
        var k = _adapters.Project("k_proj", k_proj, hidden).view(batch, length, _keyValueHeads, _headDim).transpose(1, 2);
        var v = _adapters.Project("v_proj", v_proj, hidden).view(batch, length, _keyValueHeads, _headDim).transpose(1, 2);
        q = RotaryPositions.Apply(q, cos, sin);
        k = RotaryPositions.Apply(k, cos, sin);
        int groups = _heads / _keyValueHeads;
        if (groups > 1)
        {
            k = k.repeat_interleave(groups, 1);
            v = v.repeat_interleave(groups, 1);
        }
        using var scale = (1.0 / Math.Sqrt(_headDim)).ToScalar();
        var scores = matmul(q, k.transpose(2, 3)).mul(scale).add(additiveMask, alpha: TorchScalars.One);
        var probabilities = scores.softmax(-1, ScalarType.Float32).to_type(q.dtype);
        var output = matmul(probabilities, v).transpose(1, 2).reshape(batch, length, (long)_heads * _headDim);
        return _adapters.Project("o_proj", o_proj, output).MoveToOuterDisposeScope();
    }

    public IReadOnlyList<string> ProjectionNames => _adapters.Names;

    public (int InFeatures, int OutFeatures) ProjectionShape(string projection) => ProjectionAdapters.Shape(Projection(projection));

    public void Attach(string projection, nn.Module<Tensor, Tensor> adapter) => _adapters.Attach(projection, adapter);

    public void Detach(string projection) => _adapters.Detach(projection);

    private nn.Module<Tensor, Tensor> Projection(string projection) => projection switch
    {
        "q_proj" => q_proj,
        "k_proj" => k_proj,
        "v_proj" => v_proj,
        "o_proj" => o_proj,
        _ => throw new ArgumentException($"no projection {projection}", nameof(projection)),
    };

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            q_proj.Dispose();
            k_proj.Dispose();
            v_proj.Dispose();
            o_proj.Dispose();
        }
        base.Dispose(disposing);
    }
}
