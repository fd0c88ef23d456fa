using System.Runtime.InteropServices;
using FedOrleans.Contracts;
using FedOrleans.Grains.Mapping;
using FedOrleans.Models.Federated;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace FedOrleans.Grains.Tests;

/// <summary>
/// How model weights travel: a fit result made from the fit's float array stays that array within a silo (Orleans passes
/// immutable objects by reference) and becomes the same float32 bytes on the wire; a round's global payload is encoded
/// once, and decoding it on the same silo gives back the very weights it was made from.
/// </summary>
public sealed class WeightPayloadTests
{
    [Fact]
    public void A_fit_result_keeps_its_array_within_a_silo_and_crosses_the_wire_as_its_float32_bytes()
    {
        var values = new[] { 1.5f, -2f, float.Epsilon, 3.25f, float.MaxValue };
        var result = FitResult.OfValues(values, numSamples: 7, trainLoss: 0.5, fitSeconds: 0.01);
        using var services = new ServiceCollection().AddSerializer(b => b.AddAssembly(typeof(FitResult).Assembly)).BuildServiceProvider();

        var copied = services.GetRequiredService<DeepCopier>().Copy(result);
        Assert.Same(result, copied);
        Assert.Same(values, copied.Values);
        Assert.Equal(values.Length * sizeof(float), result.WeightBytes);

        var serializer = services.GetRequiredService<Serializer>();
        var received = serializer.Deserialize<FitResult>(serializer.SerializeToArray(result))!;
        Assert.Null(received.Values);
        Assert.Equal(MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), received.Weights);
        Assert.Equal(values, ModelWeights.FromBytes(received.Weights).Values);
        Assert.Equal((7, 0.5, 0.01), (received.NumSamples, received.TrainLoss, received.FitSeconds));
        Assert.Equal(values.Length * sizeof(float), received.WeightBytes);
    }

    [Fact]
    public void A_global_payload_is_encoded_once_and_decodes_to_the_weights_it_came_from()
    {
        var global = new ModelWeights([0.25f, -1f, 4f]);
        var bytes = WireMapping.EncodeShared(global);

        Assert.Same(bytes, WireMapping.EncodeShared(global));
        Assert.Same(global, WireMapping.DecodeShared(bytes));
        Assert.Equal(global.ToBytes(), bytes);
        // Bytes from elsewhere (another silo) are decoded into a copy of their own.
        var received = (byte[])bytes.Clone();
        Assert.NotSame(global, WireMapping.DecodeShared(received));
        Assert.Equal(global.Values, WireMapping.DecodeShared(received).Values);
    }
}
