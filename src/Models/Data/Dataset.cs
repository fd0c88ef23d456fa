namespace FedOrleans.Models.Data;

/// <summary>
/// An in-memory, read-only labelled image set, row-major <c>[Count, Channels, Height, Width]</c>,
/// stored as bytes (a quarter of float32's memory) with one <see cref="Scale"/> that maps them to
/// [0, 1]. Loaded once per process and shared; shards are index arrays into it.
/// </summary>
public sealed class Dataset
{
    public Dataset(string name, byte[] pixels, float scale, int[] labels, int channels, int height, int width, int numClasses)
    {
        int featureCount = channels * height * width;
        if (pixels.Length != (long)labels.Length * featureCount)
        {
            throw new ArgumentException($"{name}: {pixels.Length} pixel values do not make {labels.Length} samples of {featureCount}");
        }
        Name = name;
        Pixels = pixels;
        Scale = scale;
        Labels = labels;
        Channels = channels;
        Height = height;
        Width = width;
        NumClasses = numClasses;
    }

    public string Name { get; }

    /// <summary>Raw pixel values; multiply by <see cref="Scale"/> for the model's [0, 1] inputs.</summary>
    public byte[] Pixels { get; }

    public float Scale { get; }

    public int[] Labels { get; }

    public int Channels { get; }

    public int Height { get; }

    public int Width { get; }

    public int NumClasses { get; }

    public int Count => Labels.Length;

    public int FeatureCount => Channels * Height * Width;

    public ReadOnlySpan<byte> Sample(int index) => Pixels.AsSpan(index * FeatureCount, FeatureCount);

    /// <summary>One sample scaled to [0, 1] into <paramref name="target"/>.</summary>
    public void CopySample(int index, Span<float> target)
    {
        var source = Sample(index);
        for (int i = 0; i < source.Length; i++)
        {
            target[i] = source[i] * Scale;
        }
    }

    /// <summary>Mean input value in [0, 1], over all samples.</summary>
    public double MeanValue()
    {
        long sum = 0;
        foreach (var b in Pixels)
        {
            sum += b;
        }
        return (double)sum / Math.Max(Pixels.Length, 1) * Scale;
    }

    /// <summary>Samples per class, in class order.</summary>
    public int[] ClassCounts()
    {
        var counts = new int[NumClasses];
        foreach (var label in Labels)
        {
            counts[label]++;
        }
        return counts;
    }
}
