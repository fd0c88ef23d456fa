using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace FedOrleans.Models.Nn;

/// <summary>Copies a module's parameters to and from one flat float32 vector, in <c>parameters()</c> order.</summary>
public static class ParameterVector
{
    public static float[] Read(nn.Module module) => Flatten(module.parameters());

    /// <summary>Concatenates tensors into one flat vector, in order.</summary>
    public static float[] Flatten(IEnumerable<Tensor> tensors)
    {
        var list = tensors.ToList();
        var result = new float[list.Sum(t => t.numel())];
        int offset = 0;
        foreach (var t in list)
        {
            using var flat = t.detach().cpu().contiguous().flatten();
            // One block copy out of the tensor's memory (its element accessor copied value by value: 140 us for a logistic model).
            var values = MemoryMarshal.Cast<byte, float>(flat.bytes);
            values.CopyTo(result.AsSpan(offset));
            offset += values.Length;
        }
        return result;
    }

    /// <summary>Cuts a flat vector into new tensors shaped like <paramref name="like"/> (the inverse of <see cref="Flatten"/>).</summary>
    public static List<Tensor> Split(ReadOnlySpan<float> values, IReadOnlyList<Tensor> like)
    {
        long expected = like.Sum(p => p.numel());
        if (values.Length != expected)
        {
            throw new ArgumentException($"a vector of {values.Length} values does not fit tensors of {expected} values");
        }
        var result = new List<Tensor>(like.Count);
        int offset = 0;
        foreach (var p in like)
        {
            int n = (int)p.numel();
            result.Add(tensor(values.Slice(offset, n).ToArray(), p.shape).to(p.device));
            offset += n;
        }
        return result;
    }

    public static void Write(nn.Module module, ReadOnlySpan<float> values)
    {
        var parameters = module.parameters().ToList();
        long expected = parameters.Sum(p => p.numel());
        if (values.Length != expected)
        {
            throw new ArgumentException($"weight vector has {values.Length} values, the model has {expected} parameters");
        }
        int offset = 0;
        using var _ = no_grad();
        foreach (var p in parameters)
        {
            int n = (int)p.numel();
            if (p.device_type == TorchSharp.DeviceType.CPU && p.is_contiguous() && p.dtype == ScalarType.Float32)
            {
                // Straight into the parameter's memory (no gradient is recorded under no_grad either way).
                values.Slice(offset, n).CopyTo(MemoryMarshal.Cast<byte, float>(p.bytes));
            }
            else
            {
                using var source = tensor(values.Slice(offset, n).ToArray(), p.shape);
                p.copy_(source);
            }
            offset += n;
        }
    }
}
