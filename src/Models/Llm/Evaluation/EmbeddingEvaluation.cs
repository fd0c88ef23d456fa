using System.Diagnostics;

namespace FedOrleans.Models.Llm.Evaluation;

/// <summary>Spearman (x100, as MTEB reports it) of one STS file.</summary>
public sealed record StsFileScore(string File, int Pairs, double Spearman);

/// <summary>
/// One MTEB STS task (STS12, STS13, STS14): the plain mean of its files' Spearman correlations (each file's
/// correlation computed over that file's pairs, every file weighted the same, whatever its size).
/// </summary>
public sealed record StsTaskScore(string Task, int Year, double Spearman, IReadOnlyList<StsFileScore> Files);

/// <summary>Everything measured for one embedding method.</summary>
public sealed record EmbeddingScores(string Method, IReadOnlyList<StsTaskScore> Sts, ProbeResult? Genre, double Seconds);

/// <summary>STS Spearman per year and the Brown genre probe for one <see cref="ITextEmbedder"/>.</summary>
public static class EmbeddingEvaluation
{
    /// <param name="stsFiles">files from <see cref="StsDataset.LoadYear"/>.</param>
    /// <param name="stsLimit">use only the first this many pairs of each file (null = all).</param>
    /// <param name="genrePieces">pieces from <see cref="BrownGenres.Pieces"/> (empty = no probe).</param>
    public static EmbeddingScores Run(ITextEmbedder embedder, IReadOnlyList<StsFile> stsFiles, int? stsLimit,
        IReadOnlyList<GenrePiece> genrePieces, ProbeSettings probe, Action<string>? log = null)
    {
        var clock = Stopwatch.StartNew();
        var tasks = new List<StsTaskScore>();
        foreach (var year in stsFiles.GroupBy(f => f.Year).OrderBy(g => g.Key))
        {
            var files = new List<StsFileScore>();
            foreach (var file in year)
            {
                var pairs = stsLimit is int n ? file.Pairs.Take(n).ToList() : file.Pairs;
                var first = embedder.Embed(pairs.Select(p => p.First).ToList());
                var second = embedder.Embed(pairs.Select(p => p.Second).ToList());
                var cosines = pairs.Select((_, i) => RankCorrelation.Cosine(first[i], second[i])).ToList();
                double rho = RankCorrelation.Spearman(cosines, pairs.Select(p => p.Gold).ToList()) * 100;
                files.Add(new StsFileScore($"{file.Year}/{file.Name}", pairs.Count, rho));
                log?.Invoke($"  {embedder.Name}: STS {file.Year}/{file.Name} ({pairs.Count} pairs) Spearman {rho:F2} [{clock.Elapsed.TotalSeconds:F0} s]");
            }
            tasks.Add(new StsTaskScore($"STS{year.Key % 100}", year.Key, files.Average(f => f.Spearman), files));
        }
        ProbeResult? genre = null;
        if (genrePieces.Count > 0)
        {
            var features = embedder.Embed(genrePieces.Select(p => p.Text).ToList());
            genre = LogisticProbe.CrossValidate(features, genrePieces.Select(p => p.Label).ToList(), probe);
            log?.Invoke($"  {embedder.Name}: Brown genres ({genrePieces.Count} pieces, {probe.Folds}-fold) accuracy {genre.Accuracy * 100:F2}% (majority class {genre.ChanceAccuracy * 100:F1}%) [{clock.Elapsed.TotalSeconds:F0} s]");
        }
        return new EmbeddingScores(embedder.Name, tasks, genre, clock.Elapsed.TotalSeconds);
    }
}
