using System.Diagnostics;
using System.Runtime.InteropServices;
using FedOrleans.Contracts;
using FedOrleans.Grains.Training;
using FedOrleans.Models.Jobs;
using FedOrleans.Models.Llm;
using FedOrleans.Models.Torch;
using Orleans.Runtime;

namespace FedOrleans.Grains.Jobs;

/// <summary>Embedding and generation requests (<see cref="IInferenceGrain"/>): the work runs through the training gate, off the grain's turn.</summary>
public abstract class InferenceGrainBase(TrainingGate gate, ILocalSiloDetails silo) : Grain, IInferenceGrain
{
    /// <summary>Runs one request; the GPU implementation first takes one of the silo's GPU job slots.</summary>
    protected virtual Task<T> RunAsync<T>(Func<Task<T>> work) => work();

    public async Task<EmbeddingResult> EmbedAsync(string checkpoint, IReadOnlyList<string> texts, string method)
    {
        var kind = method switch
        {
            "gem" => EmbeddingMethod.Gem,
            "mean" => EmbeddingMethod.Mean,
            _ => throw new SpecRefusedException($"embedding method '{method}' is not known; use gem or mean"),
        };
        var stopwatch = Stopwatch.StartNew();
        var vectors = await Guard(() => RunAsync(() => gate.RunAsync(() =>
        {
            TorchRuntime.EnsureThreadConfigured();
            return CheckpointInference.Embed(checkpoint, texts, kind, gate.Device);
        }, CancellationToken.None)));
        int dimension = vectors.Length == 0 ? 0 : vectors[0].Length;
        var bytes = MemoryMarshal.AsBytes(vectors.SelectMany(v => v).ToArray().AsSpan()).ToArray();
        DeactivateOnIdle();
        return new EmbeddingResult(vectors.Length, dimension, bytes, silo.SiloAddress.ToString(), stopwatch.Elapsed.TotalSeconds);
    }

    public async Task<GenerationResult> GenerateAsync(string checkpoint, string prompt, GenerationRequest request)
    {
        var settings = new GenerationSettings(request.MaxNewTokens, request.Temperature, request.TopK, request.Seed);
        var stopwatch = Stopwatch.StartNew();
        var text = await Guard(() => RunAsync(() => gate.RunAsync(() =>
        {
            TorchRuntime.EnsureThreadConfigured();
            return CheckpointInference.Generate(checkpoint, prompt, settings, gate.Device);
        }, CancellationToken.None)));
        DeactivateOnIdle();
        return new GenerationResult(text, silo.SiloAddress.ToString(), stopwatch.Elapsed.TotalSeconds);
    }

    /// <summary>A missing or corrupt checkpoint (the caller's argument) reaches the caller as <see cref="SpecRefusedException"/> naming the file (Models' own exceptions have no codec).</summary>
    private static async Task<T> Guard<T>(Func<Task<T>> work)
    {
        try
        {
            return await work();
        }
        catch (Exception e) when (e is CheckpointException or FileNotFoundException or DirectoryNotFoundException)
        {
            throw new SpecRefusedException(e.Message);
        }
    }
}
