using FedOrleans.Models.Data;
using static TorchSharp.torch;

namespace FedOrleans.Models.Training;

/// <summary>Gathers samples of a shared <see cref="Dataset"/> into tensors.</summary>
public static class TensorBatches
{
    /// <summary>The samples at <paramref name="indices"/> as a <c>[n, C, H, W]</c> float tensor.</summary>
    public static Tensor Features(Dataset data, ReadOnlySpan<int> indices)
    {
        int d = data.FeatureCount;
        var buffer = new float[indices.Length * d];
        for (int i = 0; i < indices.Length; i++)
        {
            data.CopySample(indices[i], buffer.AsSpan(i * d, d));
        }
        return tensor(buffer, [indices.Length, data.Channels, data.Height, data.Width]);
    }

    /// <summary>The labels at <paramref name="indices"/> as an int64 tensor.</summary>
    public static Tensor Labels(Dataset data, ReadOnlySpan<int> indices)
    {
        var buffer = new long[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            buffer[i] = data.Labels[indices[i]];
        }
        return tensor(buffer);
    }
}
