namespace FedOrleans.Contracts;

/// <summary>
/// Embedding and generation with a checkpoint, on a silo (a GPU silo for <see cref="FedOrleansNames.GpuInferenceGrainType"/>).
/// Key: a fresh id per request, so requests spread over the silos; the checkpoint path is as the silos see it.
/// </summary>
[Alias("fedorleans.IInferenceGrain")]
[Orleans.Metadata.DefaultGrainType(FedOrleansNames.InferenceGrainType)]
public interface IInferenceGrain : IGrainWithStringKey
{
    /// <summary>One vector per text; <paramref name="method"/> is <c>gem</c> or <c>mean</c>.</summary>
    [Alias("EmbedAsync")]
    Task<EmbeddingResult> EmbedAsync(string checkpoint, IReadOnlyList<string> texts, string method);

    [Alias("GenerateAsync")]
    Task<GenerationResult> GenerateAsync(string checkpoint, string prompt, GenerationRequest request);
}

/// <summary><see cref="Count"/> vectors of <see cref="Dimension"/> floats, row after row as little-endian float32.</summary>
[GenerateSerializer, Immutable, Alias("fedorleans.EmbeddingResult")]
public sealed record EmbeddingResult(
    [property: Id(0)] int Count,
    [property: Id(1)] int Dimension,
    [property: Id(2)] byte[] Values,
    [property: Id(3)] string Silo,
    [property: Id(4)] double Seconds);

[GenerateSerializer, Immutable, Alias("fedorleans.GenerationRequest")]
public sealed record GenerationRequest(
    [property: Id(0)] int MaxNewTokens,
    [property: Id(1)] double Temperature,
    [property: Id(2)] int TopK,
    [property: Id(3)] int Seed);

[GenerateSerializer, Immutable, Alias("fedorleans.GenerationResult")]
public sealed record GenerationResult(
    [property: Id(0)] string Text,
    [property: Id(1)] string Silo,
    [property: Id(2)] double Seconds);
