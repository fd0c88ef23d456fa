using FedOrleans.Models.Torch;
using static TorchSharp.torch;

namespace FedOrleans.Models.Llm;

/// <summary>The attached adapters of one block, by projection name (see <see cref="IAdaptableProjections"/>).</summary>
internal sealed class ProjectionAdapters(IReadOnlyList<string> names)
{
    private readonly Dictionary<string, nn.Module<Tensor, Tensor>> _attached = [];

    public IReadOnlyList<string> Names { get; } = names;

    public void Attach(string projection, nn.Module<Tensor, Tensor> adapter)
    {
        if (!Names.Contains(projection))
        {
            throw new ArgumentException($"no projection {projection}; this block has {string.Join(", ", Names)}", nameof(projection));
        }
        if (!_attached.TryAdd(projection, adapter))
        {
            throw new InvalidOperationException($"{projection} already has an adapter");
        }
    }

    public void Detach(string projection) => _attached.Remove(projection);

    /// <summary><c>frozen(x)</c> plus the attached update, if any.</summary>
    public Tensor Project(string projection, nn.Module<Tensor, Tensor> frozen, Tensor input)
    {
        var output = frozen.call(input);
        return _attached.TryGetValue(projection, out var adapter)
            ? output.add(adapter.call(input), alpha: TorchScalars.One)
            : output;
    }

    public static (int In, int Out) Shape(nn.Module<Tensor, Tensor> linear)
    {
        var weight = linear.named_parameters().Single(p => p.name == "weight").parameter;
        return ((int)weight.shape[1], (int)weight.shape[0]);
    }
}
