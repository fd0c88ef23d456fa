using static TorchSharp.torch;

namespace FedOrleans.Models.Llm;

/// <summary>SwiGLU feed-forward block: <c>down_proj(silu(gate_proj(x)) * up_proj(x))</c>, no biases; each projection can carry an adapter.</summary>
public sealed class LlamaMlp : nn.Module<Tensor, Tensor>, IAdaptableProjections
{
    private readonly nn.Module<Tensor, Tensor> gate_proj;
    private readonly nn.Module<Tensor, Tensor> up_proj;
    private readonly nn.Module<Tensor, Tensor> down_proj;
    private readonly ProjectionAdapters _adapters = new(["gate_proj", "up_proj", "down_proj"]);

    public LlamaMlp(LlamaConfig config) : base(nameof(LlamaMlp))
    {
        gate_proj = nn.Linear(config.HiddenSize, config.IntermediateSize, hasBias: false);
        up_proj = nn.Linear(config.HiddenSize, config.IntermediateSize, hasBias: false);
        down_proj = nn.Linear(config.IntermediateSize, config.HiddenSize, hasBias: false);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var gated = nn.functional.silu(_adapters.Project("gate_proj", gate_proj, input)).mul(_adapters.Project("up_proj", up_proj, input));
        return _adapters.Project("down_proj", down_proj, gated).MoveToOuterDisposeScope();
    }

    public IReadOnlyList<string> ProjectionNames => _adapters.Names;

    public (int InFeatures, int OutFeatures) ProjectionShape(string projection) => ProjectionAdapters.Shape(Projection(projection));

    public void Attach(string projection, nn.Module<Tensor, Tensor> adapter) => _adapters.Attach(projection, adapter);

    public void Detach(string projection) => _adapters.Detach(projection);

    private nn.Module<Tensor, Tensor> Projection(string projection) => projection switch
    {
        "gate_proj" => gate_proj,
        "up_proj" => up_proj,
        "down_proj" => down_proj,
        _ => throw new ArgumentException($"no projection {projection}", nameof(projection)),
    };

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            gate_proj.Dispose();
            up_proj.Dispose();
            down_proj.Dispose();
        }
        base.Dispose(disposing);
    }
}
