using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace FedOrleans.Models.Training;

/// <summary>
/// One contiguous buffer behind all of a module's parameters (<see cref="Values"/>) and one behind their gradients
/// (<see cref="Values"/>'s <c>grad</c>): each parameter is re-pointed at its slice of the first, and its gradient is
/// its slice of the second, into which backward passes accumulate. A whole-model optimizer step, or zeroing the
/// gradients, is then a few operations on two vectors instead of a few per parameter (a small model's SGD step is
/// mostly such calls), with the same arithmetic element by element; loading and reading the weights is one copy.
/// The buffers are in <c>parameters()</c> order, the layout of <see cref="Nn.ParameterVector"/>.
/// </summary>
internal sealed class FlatParameters : IDisposable
{
    /// <param name="parameters">The module's parameters, already on their device.</param>
    public FlatParameters(IReadOnlyList<TorchSharp.Modules.Parameter> parameters, Device device)
    {
        long total = parameters.Sum(p => p.numel());
        Values = empty(total, ScalarType.Float32, device);
        var gradients = zeros(total, ScalarType.Float32, device);
        using var noGrad = no_grad();
        long offset = 0;
        foreach (var p in parameters)
        {
            long n = p.numel();
            using var values = Values.narrow(0, offset, n).view(p.shape);
            p.set_(values);
            p.grad = gradients.narrow(0, offset, n).view(p.shape);
            offset += n;
        }
        Values.grad = gradients;
    }

    /// <summary>Every parameter, flat; its <c>grad</c> is every gradient, flat.</summary>
    public Tensor Values { get; }

    public void Write(ReadOnlySpan<float> values)
    {
        if (values.Length != Values.numel())
        {
            throw new ArgumentException($"weight vector has {values.Length} values, the model has {Values.numel()} parameters");
        }
        if (Values.device_type == TorchSharp.DeviceType.CPU)
        {
            values.CopyTo(MemoryMarshal.Cast<byte, float>(Values.bytes));
            return;
        }
        using var noGrad = no_grad();
        using var source = tensor(values.ToArray());
        Values.copy_(source);
    }

    public float[] Read()
    {
        using var host = Values.detach().cpu();
        return MemoryMarshal.Cast<byte, float>(host.bytes).ToArray();
    }

    public void Dispose()
    {
        Values.grad?.Dispose();
        Values.Dispose();
    }
}
