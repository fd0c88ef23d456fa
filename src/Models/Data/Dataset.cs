namespace FedOrleans.Models.Data;

/// <summary>
/// An in-memory, read-only labelled image set: features as float32 in [0, 1], row-major
/// <c>[Count, Channels, Height, Width]</c>. Loaded once per process and shared; shards are index arrays into it.
/// </summary>
public sealed class Dataset
{
    public Dataset(string name, float[] features, int[] labels, int channels, int height, int width, int numClasses)
    {
        int featureCount = channels * height * width;
        if (features.Length != labels.Length * featureCount)
        {
            throw new ArgumentException($"{name}: {features.Length} feature values do not make {labels.Length} samples of {featureCount}");
        }
        Name = name;
        Features = features;
        Labels = labels;
        Channels = channels;
        Height = height;
        Width = width;
        NumClasses = numClasses;
    }

    public string Name { get; }

    public float[] Features { get; }

    public int[] Labels { get; }

    public int Channels { get; }

    public int Height { get; }

    public int Width { get; }

    public int NumClasses { get; }

    public int Count => Labels.Length;

    public int FeatureCount => Channels * Height * Width;

    public ReadOnlySpan<float> Sample(int index) => Features.AsSpan(index * FeatureCount, FeatureCount);

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
