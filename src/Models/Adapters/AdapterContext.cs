using FedOrleans.Models.Torch;
using static TorchSharp.torch;

namespace FedOrleans.Models.Adapters;

/// <summary>
/// What the adapters of one model share during a forward pass: the token mask of the batch (read by the gates'
/// balance statistics) and the auxiliary losses they produce, collected until the trainer takes their sum.
/// Single-threaded, like the forward pass itself. The mask belongs to the caller; the pending losses to this context.
/// </summary>
public sealed class AdapterContext : IDisposable
{
    private readonly List<Tensor> _pending = [];

    /// <summary>The attention mask <c>[B, T]</c> of the current batch (1 = token, 0 = padding), or null for all tokens.</summary>
    public Tensor? TokenMask { get; set; }

    /// <summary>How many auxiliary losses are waiting.</summary>
    public int PendingCount => _pending.Count;

    /// <summary>Keeps <paramref name="loss"/> (a scalar in the autograd graph) until <see cref="TakeAuxiliaryLoss"/>.</summary>
    public void Add(Tensor loss) => _pending.Add(loss.DetachFromDisposeScope());

    /// <summary>
    /// The sum of every pending loss, in the caller's dispose scope (null when there is none); the pending list is emptied.
    /// </summary>
    public Tensor? TakeAuxiliaryLoss()
    {
        if (_pending.Count == 0)
        {
            return null;
        }
        var total = _pending[0].alias();
        for (int i = 1; i < _pending.Count; i++)
        {
            total = total.add(_pending[i], alpha: TorchScalars.One);
        }
        Clear();
        return total;
    }

    /// <summary>Drops every pending loss (after an evaluation forward, say).</summary>
    public void Clear()
    {
        foreach (var loss in _pending)
        {
            loss.Dispose();
        }
        _pending.Clear();
    }

    public void Dispose() => Clear();
}
