using MathNet.Numerics.Statistics;

namespace FedOrleans.Models.Llm.Evaluation;

/// <summary>Spearman's rank correlation as MTEB and scipy compute it: tied values share their average rank, then Pearson on the ranks.</summary>
public static class RankCorrelation
{
    public static double Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count)
        {
            throw new ArgumentException($"Spearman needs paired samples ({x.Count} vs {y.Count})");
        }
        if (x.Count < 2)
        {
            throw new ArgumentException("Spearman needs at least two pairs");
        }
        // MathNet's Correlation.Spearman ranks with RankDefinition.Average too; the ranks are spelled out
        // here so the tie rule is visible and tested (RankCorrelationTests).
        var rx = Statistics.Ranks(x, RankDefinition.Average);
        var ry = Statistics.Ranks(y, RankDefinition.Average);
        return Correlation.Pearson(rx, ry);
    }

    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"cosine of vectors of different lengths ({a.Length} vs {b.Length})");
        }
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.Sqrt(na * nb);
    }
}
