using System.Runtime.CompilerServices;
using FedOrleans.Models.Data;
using FedOrleans.Models.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace FedOrleans.Models.Training;

/// <summary>Gathers samples of a shared <see cref="Dataset"/> into tensors on a device.</summary>
public static class TensorBatches
{
    /// <summary>Each dataset's bytes as a <c>[Count, C, H, W]</c> uint8 tensor over its managed array (no copy).</summary>
    private static readonly ConditionalWeakTable<Dataset, Tensor> PixelTensors = new();

    /// <summary>
    /// The samples at <paramref name="indices"/> as a <c>[n, C, H, W]</c> float tensor: the bytes picked and scaled by
    /// libtorch (<c>float(byte) * Scale</c>, in float32, exactly as a per-sample loop would), since a managed loop over
    /// the pixels cost about 15 µs an MNIST sample (an evaluation of MNIST's test set: 110-200 ms). A grey dataset asked
    /// for 3 <paramref name="channels"/> is replicated (MNIST as the source domain of MNIST-M).
    /// </summary>
    public static Tensor Features(Dataset data, ReadOnlySpan<int> indices, Device device, int channels = 0)
    {
        using var index = Indices(indices);
        using var picked = PixelTensor(data).index_select(0, index);
        return ToFloat(data, picked, device, channels);
    }

    /// <summary>
    /// The first <paramref name="count"/> samples, the same values as <see cref="Features"/> gives for indices
    /// <c>0..count-1</c> without a gather: an evaluation set.
    /// </summary>
    public static Tensor FirstFeatures(Dataset data, int count, Device device, int channels = 0)
    {
        using var picked = PixelTensor(data).narrow(0, 0, count);
        return ToFloat(data, picked, device, channels);
    }

    /// <summary>
    /// Picked bytes as scaled floats on <paramref name="device"/>. On the CPU the float buffer is advised onto huge pages
    /// before it is written (<see cref="TorchRuntime.AdviseHugePages"/>, which leaves small ones alone): first-touch page
    /// faults were most of the cost of an evaluation set.
    /// </summary>
    private static Tensor ToFloat(Dataset data, Tensor picked, Device device, int channels)
    {
        channels = channels == 0 ? data.Channels : channels;
        if (channels != data.Channels && data.Channels != 1)
        {
            throw new ArgumentException($"{data.Name} has {data.Channels} channels; the model expects {channels}");
        }
        Tensor features;
        if (device.type == DeviceType.CPU)
        {
            features = empty(picked.shape, ScalarType.Float32);
            TorchRuntime.AdviseHugePages(features);
            features.copy_(picked);
        }
        else
        {
            using var onDevice = picked.to(device);
            features = onDevice.to_type(ScalarType.Float32);
        }
        using var scale = data.Scale.ToScalar();
        features.mul_(scale);
        if (channels == data.Channels)
        {
            return features;
        }
        using (features)
        {
            return features.repeat(1, channels, 1, 1);
        }
    }

    /// <summary>The labels at <paramref name="indices"/> as an int64 tensor.</summary>
    public static Tensor Labels(Dataset data, ReadOnlySpan<int> indices, Device device)
    {
        var buffer = new long[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            buffer[i] = data.Labels[indices[i]];
        }
        return tensor(buffer).to(device);
    }

    private static Tensor Indices(ReadOnlySpan<int> indices)
    {
        var buffer = new long[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            buffer[i] = indices[i];
        }
        return tensor(buffer);
    }

    /// <summary>
    /// The dataset's pixels as a tensor that shares (and pins) its byte array, made once per dataset. It lives as long
    /// as the dataset: outside every dispose scope, freed by its finalizer after the dataset is collected.
    /// </summary>
    private static Tensor PixelTensor(Dataset data) => PixelTensors.GetValue(data, d =>
    {
        using var flat = frombuffer(d.Pixels, ScalarType.Byte);
        return flat.view(d.Count, d.Channels, d.Height, d.Width).DetachFromDisposeScope();
    });
}
