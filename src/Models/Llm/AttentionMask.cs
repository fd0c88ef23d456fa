using FedOrleans.Models.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace FedOrleans.Models.Llm;

/// <summary>
/// Attention masks for <see cref="LlamaAttention"/>. A boolean mask says where query i may attend key j
/// (true = attend); an additive float mask is added to the attention scores (0 = attend, a large negative
/// number or -inf = blocked). Both come as <c>[T, T]</c>, <c>[B, T, T]</c> or <c>[B, 1, T, T]</c>.
/// </summary>
public static class AttentionMask
{
    /// <summary>The ordinary causal pattern: <c>allowed[i, j] = j &lt;= i</c>, <c>[T, T]</c> boolean.</summary>
    public static Tensor Causal(long length, Device? device = null) =>
        ones(length, length, ScalarType.Bool, device).tril();

    /// <summary>
    /// Converts any accepted mask (or null: causal) to the additive float form <c>[B or 1, 1, T, T]</c>.
    /// Blocked entries get the type's lowest finite value, as transformers does, so a row never becomes NaN
    /// while it has at least one allowed key.
    /// </summary>
    public static Tensor ToAdditive(Tensor? mask, long length, ScalarType dtype, Device device)
    {
        using var scope = NewDisposeScope();
        var m = mask ?? Causal(length, device);
        if (m.dim() is < 2 or > 4 || m.shape[^1] != length || m.shape[^2] != length)
        {
            throw new ArgumentException($"an attention mask must be [T, T], [B, T, T] or [B, 1, T, T] with T = {length}; got [{string.Join(", ", m.shape)}]");
        }
        if (m.dim() == 4 && m.shape[1] != 1)
        {
            throw new ArgumentException($"a 4-D attention mask must have 1 in dimension 1 (one mask for all heads); got [{string.Join(", ", m.shape)}]");
        }
        while (m.dim() < 4)
        {
            m = m.unsqueeze(m.dim() == 2 ? 0 : 1);
        }
        m = m.to(device);
        Tensor additive;
        if (m.dtype == ScalarType.Bool)
        {
            using var lowest = Lowest(dtype).ToScalar();
            additive = zeros(m.shape, dtype, device).masked_fill(m.logical_not(), lowest);
        }
        else
        {
            additive = m.to_type(dtype);
        }
        return additive.MoveToOuterDisposeScope();
    }

    private static double Lowest(ScalarType dtype) => dtype switch
    {
        ScalarType.Float16 => (double)Half.MinValue,
        ScalarType.BFloat16 => -3.3895313892515355e38,
        ScalarType.Float64 => double.MinValue,
        _ => float.MinValue,
    };
}
