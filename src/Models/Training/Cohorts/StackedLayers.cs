using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace FedOrleans.Models.Training.Cohorts;

/// <summary>
/// The pieces both cohort trainers build their batched models from: K clients' flat parameter vectors stacked into
/// tensors <c>[K, ...]</c> (a linear layer's weight stacked transposed, <c>[K, in, out]</c>, so that its forward pass
/// is one <c>baddbmm</c>), back again, and the layers on stacked activations <c>[K, B, ...]</c>.
/// </summary>
internal static class StackedLayers
{
    /// <summary>A linear layer's parameter shapes (weight, then bias), as the single model registers them.</summary>
    public static long[][] LinearShapes(long inputs, long outputs) => [[outputs, inputs], [outputs]];

    /// <summary>A 2-D convolution's parameter shapes (weight, then bias).</summary>
    public static long[][] ConvolutionShapes(long inputs, long outputs, long kernel) => [[outputs, inputs, kernel, kernel], [outputs]];

    /// <summary>
    /// Every client's vector (in the single model's <c>parameters()</c> order) as stacked leaf tensors on
    /// <paramref name="device"/>; <paramref name="transposed"/> marks the linear weights.
    /// </summary>
    public static List<Tensor> Stack(IReadOnlyList<float[]> vectors, IReadOnlyList<long[]> shapes, bool[] transposed, Device device, bool requiresGrad)
    {
        int k = vectors.Count;
        long total = shapes.Sum(Size);
        for (int c = 0; c < k; c++)
        {
            if (vectors[c].Length != total)
            {
                throw new ArgumentException($"client {c} of the cohort has {vectors[c].Length} weights; the model has {total}");
            }
        }
        var parameters = new List<Tensor>(shapes.Count);
        int offset = 0;
        for (int i = 0; i < shapes.Count; i++)
        {
            int size = (int)Size(shapes[i]);
            var stacked = empty([k, .. shapes[i]], ScalarType.Float32);
            // Each member's slice written straight into the tensor's memory (one block copy per member).
            var target = MemoryMarshal.Cast<byte, float>(stacked.bytes);
            for (int c = 0; c < k; c++)
            {
                vectors[c].AsSpan(offset, size).CopyTo(target.Slice(c * size, size));
            }
            var laidOut = transposed[i] ? stacked.transpose(1, 2).contiguous() : stacked;
            parameters.Add(laidOut.to(device).requires_grad_(requiresGrad));
            offset += size;
        }
        return parameters;
    }

    /// <summary>Each client's flat vector again (the single model's layout and order): one copy to the host.</summary>
    public static float[][] Unstack(IReadOnlyList<Tensor> stacked, bool[] transposed)
    {
        int k = (int)stacked[0].shape[0];
        var flat = cat(stacked.Select((p, i) => (transposed[i] ? p.detach().transpose(1, 2) : p.detach()).reshape(k, -1)).ToList(), 1).cpu().contiguous();
        var all = MemoryMarshal.Cast<byte, float>(flat.bytes);
        int width = all.Length / k;
        var vectors = new float[k][];
        for (int c = 0; c < k; c++)
        {
            vectors[c] = all.Slice(c * width, width).ToArray();
        }
        return vectors;
    }

    /// <summary>
    /// Each client's convolution on its own rows (<c>[K, B, C, H, W]</c> in and out): libtorch's grouped kernels block
    /// the channels of neighbouring groups together, so a grouped convolution would make a client's result depend on its
    /// cohort. unbind (not indexing) keeps the backward pass linear in K.
    /// </summary>
    public static Tensor Convolution(Tensor h, Tensor weight, Tensor bias, int k, long padding)
    {
        var inputs = h.unbind(0);
        var weights = weight.unbind(0);
        var biases = bias.unbind(0);
        return stack(Enumerable.Range(0, k).Select(c => nn.functional.conv2d(inputs[c], weights[c], biases[c], padding: [padding, padding])).ToList(), 0);
    }

    /// <summary>2x2 max-pooling of <c>[K, B, C, H, W]</c>.</summary>
    public static Tensor MaxPool(Tensor h, int k, int b)
    {
        var shape = h.shape;
        var pooled = nn.functional.max_pool2d(h.reshape(k * b, shape[2], shape[3], shape[4]), 2);
        return pooled.reshape(k, b, pooled.shape[1], pooled.shape[2], pooled.shape[3]);
    }

    /// <summary>A linear layer on <c>[K, B, in]</c> with a stacked transposed weight <c>[K, in, out]</c> and bias <c>[K, out]</c>.</summary>
    public static Tensor Linear(Tensor h, Tensor weight, Tensor bias) =>
        // TorchSharp's Tensor.baddbmm(batch2, input) is input + this @ batch2.
        h.baddbmm(weight, bias.unsqueeze(1));

    /// <summary>
    /// Each client's samples, client after client (one gather for each run of members that share a dataset), and the row
    /// where each client's samples start.
    /// </summary>
    public static (Tensor Features, Tensor Labels, long[] Offsets) Samples(IReadOnlyList<ClientShard> shards, Device device, int channels, bool labels = true)
    {
        var offsets = new long[shards.Count];
        for (int c = 1; c < shards.Count; c++)
        {
            offsets[c] = offsets[c - 1] + shards[c - 1].Count;
        }
        var features = new List<Tensor>();
        var labelParts = new List<Tensor>();
        for (int first = 0; first < shards.Count;)
        {
            var dataset = shards[first].Dataset;
            int end = first;
            var indices = new List<int>();
            while (end < shards.Count && ReferenceEquals(shards[end].Dataset, dataset))
            {
                indices.AddRange(shards[end].Indices);
                end++;
            }
            var span = CollectionsMarshal.AsSpan(indices);
            features.Add(TensorBatches.Features(dataset, span, device, channels));
            if (labels)
            {
                labelParts.Add(TensorBatches.Labels(dataset, span, device));
            }
            first = end;
        }
        var x = features.Count == 1 ? features[0] : cat(features, 0);
        var y = !labels ? empty(0, ScalarType.Int64) : labelParts.Count == 1 ? labelParts[0] : cat(labelParts, 0);
        return (x, y, offsets);
    }

    /// <summary>
    /// The features and labels of the given rows, in their order: each row is a position in one client's shard. One gather
    /// when the clients share a dataset (the usual case); otherwise every client's samples and then the rows among them.
    /// </summary>
    public static (Tensor Features, Tensor Labels) PlannedSamples(IReadOnlyList<ClientShard> shards, IReadOnlyList<(int Client, int Position)> rows, Device device, int channels)
    {
        var dataset = shards[0].Dataset;
        if (shards.All(s => ReferenceEquals(s.Dataset, dataset)))
        {
            var indices = new int[rows.Count];
            for (int i = 0; i < indices.Length; i++)
            {
                indices[i] = shards[rows[i].Client].Indices[rows[i].Position];
            }
            return (TensorBatches.Features(dataset, indices, device, channels), TensorBatches.Labels(dataset, indices, device));
        }
        var (features, labels, offsets) = Samples(shards, device, channels);
        using (features)
        using (labels)
        {
            using var index = tensor(rows.Select(r => offsets[r.Client] + r.Position).ToArray()).to(device);
            return (features.index_select(0, index), labels.index_select(0, index));
        }
    }

    /// <summary>A client's shuffle of its <paramref name="n"/> samples from its own generator, on the host.</summary>
    public static long[] Permutation(int n, Generator generator)
    {
        using var permutation = randperm(n, generator: generator);
        return MemoryMarshal.Cast<byte, long>(permutation.bytes).ToArray();
    }

    private static long Size(long[] shape) => shape.Aggregate(1L, (a, d) => a * d);
}
