using FedOrleans.Models.Data;
using FedOrleans.Models.Torch;
using static TorchSharp.torch;

namespace FedOrleans.Models.Training;

/// <summary>Gathers samples of a shared <see cref="Dataset"/> into tensors on <see cref="TorchRuntime.Device"/>.</summary>
public static class TensorBatches
{
    /// <summary>
    /// The samples at <paramref name="indices"/> as a <c>[n, C, H, W]</c> float tensor. A grey dataset
    /// asked for 3 <paramref name="channels"/> is replicated (MNIST as the source domain of MNIST-M).
    /// </summary>
    public static Tensor Features(Dataset data, ReadOnlySpan<int> indices, int channels = 0)
    {
        channels = channels == 0 ? data.Channels : channels;
        if (channels != data.Channels && data.Channels != 1)
        {
            throw new ArgumentException($"{data.Name} has {data.Channels} channels; the model expects {channels}");
        }
        int d = data.FeatureCount;
        int outD = d * channels / data.Channels;
        var buffer = new float[indices.Length * outD];
        for (int i = 0; i < indices.Length; i++)
        {
            var target = buffer.AsSpan(i * outD, outD);
            data.CopySample(indices[i], target[..d]);
            for (int c = 1; c < channels / data.Channels; c++)
            {
                target[..d].CopyTo(target.Slice(c * d, d));
            }
        }
        return tensor(buffer, [indices.Length, channels, data.Height, data.Width]).to(TorchRuntime.Device);
    }

    /// <summary>The labels at <paramref name="indices"/> as an int64 tensor.</summary>
    public static Tensor Labels(Dataset data, ReadOnlySpan<int> indices)
    {
        var buffer = new long[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            buffer[i] = data.Labels[indices[i]];
        }
        return tensor(buffer).to(TorchRuntime.Device);
    }
}
