using FedOrleans.Models.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedOrleans.Models.Adapters;

/// <summary>
/// The residual experts of one S'MoRE layer, all in batched tensors: <c>A [s, r, in]</c>, <c>A_bias [s, r]</c>,
/// <c>B [s, d_{l+1}, r]</c>, <c>B_bias [s, d_{l+1}]</c>, and for layers above the leaf the shared
/// <c>W [d_{l+1}, d_l]</c> and <c>W_bias [d_{l+1}]</c> that carry a child's output into this layer.
/// </summary>
internal sealed class SmoreExpertLayer : nn.Module
{
    private readonly Parameter A;
    private readonly Parameter A_bias;
    private readonly Parameter B;
    private readonly Parameter B_bias;
    private readonly Parameter? W;
    private readonly Parameter? W_bias;
    private readonly double _scaling;

    public SmoreExpertLayer(int index, int inFeatures, int experts, int rank, int widthBelow, int width, SmoreInit init, double scaling, Generator generator)
        : base(nameof(SmoreExpertLayer))
    {
        _scaling = scaling;
        A = nn.Parameter(empty(experts, rank, inFeatures));
        A_bias = nn.Parameter(zeros(experts, rank));
        B = nn.Parameter(empty(experts, width, rank));
        B_bias = nn.Parameter(zeros(experts, width));
        if (index > 0)
        {
            W = nn.Parameter(empty(width, widthBelow));
            W_bias = nn.Parameter(zeros(width));
        }
        using (no_grad())
        {
            // Each expert's A_i [r, in] and B_i [d, r] is initialised as its own matrix (fan-in in and r), as the official layer does.
            AdapterInit.KaimingUniformPerSlice(A, generator);
            if (init == SmoreInit.Eq1Layer)
            {
                // Expert i writes its rank-r code into rows i·r .. (i+1)·r−1; W copies the child's d_l values into the last d_l rows.
                B.zero_();
                using var identity = eye(rank);
                for (int i = 0; i < experts; i++)
                {
                    B[i].narrow(0, (long)i * rank, rank).copy_(identity);
                }
                if (W is not null)
                {
                    W.zero_();
                    using var lower = eye(widthBelow);
                    W.narrow(0, width - widthBelow, widthBelow).copy_(lower);
                }
            }
            else
            {
                AdapterInit.KaimingUniformPerSlice(B, generator);
                if (W is not null)
                {
                    AdapterInit.KaimingUniform(W, generator);
                }
            }
        }
        RegisterComponents();
    }

    /// <summary>Every expert's scaled output <c>c · (B_i (A_i x + a_i) + b_i)</c> for tokens <c>[N, in]</c>: <c>[N, s, d_{l+1}]</c>.</summary>
    public Tensor ExpertOutputs(Tensor tokens)
    {
        using var scope = NewDisposeScope();
        var down = einsum("nd,srd->nsr", tokens, A).add(A_bias, alpha: TorchScalars.One);
        var outputs = einsum("nsr,skr->nsk", down, B).add(B_bias, alpha: TorchScalars.One);
        if (_scaling != 1.0)
        {
            using var scaling = _scaling.ToScalar();
            outputs = outputs.mul(scaling);
        }
        return outputs.MoveToOuterDisposeScope();
    }

    /// <summary><c>W x_child + w</c> for child outputs <c>[..., d_l]</c>.</summary>
    public Tensor Propagate(Tensor child) => nn.functional.linear(child, W!, W_bias);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            A.Dispose();
            A_bias.Dispose();
            B.Dispose();
            B_bias.Dispose();
            W?.Dispose();
            W_bias?.Dispose();
        }
        base.Dispose(disposing);
    }
}
