namespace FedOrleans.Models.Llm.Evaluation;

/// <summary>Turns texts into fixed-size vectors; every method under evaluation (GEM, pooling baselines, MiniLM) is one of these.</summary>
public interface ITextEmbedder
{
    /// <summary>Short name used in result tables: gem, mean, last, minilm.</summary>
    string Name { get; }

    float[][] Embed(IReadOnlyList<string> texts, IProgress<int>? progress = null);
}
