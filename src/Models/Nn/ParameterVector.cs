using static TorchSharp.torch;

namespace FedOrleans.Models.Nn;

/// <summary>Copies a module's parameters to and from one flat float32 vector, in <c>parameters()</c> order.</summary>
public static class ParameterVector
{
    public static float[] Read(nn.Module module)
    {
        var parameters = module.parameters().ToList();
        var result = new float[parameters.Sum(p => p.numel())];
        int offset = 0;
        foreach (var p in parameters)
        {
            using var flat = p.detach().contiguous().flatten();
            var values = flat.data<float>();
            values.CopyTo(result, offset);
            offset += (int)values.Count;
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
            using var source = tensor(values.Slice(offset, n).ToArray(), p.shape);
            p.copy_(source);
            offset += n;
        }
    }
}
