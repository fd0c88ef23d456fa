using System.Runtime.InteropServices;

namespace FedOrleans.Contracts;

/// <summary>
/// A client's answer: its new weights, sample count, mean training loss and fit time. On the wire the weights are raw
/// little-endian float32 bytes (<see cref="Weights"/>). The result is immutable, so a call within one silo hands the
/// coordinator this very object: made with <see cref="OfValues"/>, it keeps the fit's float array (<see cref="Values"/>)
/// and makes the bytes only if it is serialized for another silo. A round on one silo thus copies each client's model
/// once (out of the batched fit) instead of three times (to bytes, and back to floats for the average).
/// </summary>
[GenerateSerializer, Immutable, Alias("fedorleans.FitResult")]
public sealed class FitResult
{
    [NonSerialized] private readonly float[]? _values;
    [NonSerialized] private byte[]? _weights;

    /// <summary>A result whose weights are already bytes (a client that returns the global payload unchanged).</summary>
    public FitResult(byte[] weights, int numSamples, double trainLoss, double fitSeconds)
        : this(numSamples, trainLoss, fitSeconds) => _weights = weights;

    private FitResult(float[] values, int numSamples, double trainLoss, double fitSeconds)
        : this(numSamples, trainLoss, fitSeconds) => _values = values;

    private FitResult(int numSamples, double trainLoss, double fitSeconds)
    {
        NumSamples = numSamples;
        TrainLoss = trainLoss;
        FitSeconds = fitSeconds;
    }

    /// <summary>A result that holds the fit's weights as they are; the caller never changes <paramref name="values"/> afterwards.</summary>
    public static FitResult OfValues(float[] values, int numSamples, double trainLoss, double fitSeconds) =>
        new(values, numSamples, trainLoss, fitSeconds);

    /// <summary>The weights as raw float32 bytes: made from <see cref="Values"/> the first time they are asked for (by the serializer).</summary>
    [Id(0)]
    public byte[] Weights
    {
        get => _weights ??= MemoryMarshal.AsBytes(_values.AsSpan()).ToArray();
        internal set => _weights = value; // the deserializer's; nothing else sets it
    }

    [Id(1)] public int NumSamples { get; init; }

    [Id(2)] public double TrainLoss { get; init; }

    [Id(3)] public double FitSeconds { get; init; }

    /// <summary>The weights as the fit made them, when this result never left its silo; null after a trip over the wire.</summary>
    public float[]? Values => _values;

    /// <summary>The size of the weights in bytes, without making the bytes.</summary>
    public int WeightBytes => _values is null ? Weights.Length : _values.Length * sizeof(float);
}
