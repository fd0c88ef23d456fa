using FedOrleans.Models.Data;
using FedOrleans.Models.Llm;
using FedOrleans.Models.Llm.Evaluation;
using FedOrleans.Models.Llm.Gem;

namespace FedOrleans.Models.Tests;

public sealed class EvaluationTests
{
    [Fact]
    public void Spearman_gives_ties_their_average_rank()
    {
        // Ranks by hand: x -> [1, 2.5, 2.5, 4, 5], y -> [2, 1, 3.5, 3.5, 5]. Pearson of the ranks:
        // deviations [-2, -.5, -.5, 1, 2] and [-1, -2, .5, .5, 2], products sum 7.25, squares 9.5 each -> 7.25 / 9.5.
        // (The no-ties shortcut 1 - 6 sum d^2 / (n (n^2 - 1)) would give 0.775 instead.)
        double rho = RankCorrelation.Spearman([1, 2, 2, 3, 4], [2, 1, 3, 3, 5]);
        Assert.Equal(7.25 / 9.5, rho, 12);
        Assert.Equal(1.0, RankCorrelation.Spearman([1, 2, 3], [10, 200, 3000]), 12);
        Assert.Equal(-1.0, RankCorrelation.Spearman([1, 2, 3], [3, 2, 1]), 12);
    }

    [Fact]
    public void Cosine_of_known_vectors()
    {
        Assert.Equal(1 / Math.Sqrt(2), RankCorrelation.Cosine([1f, 0f], [1f, 1f]), 6);
        Assert.Equal(0.0, RankCorrelation.Cosine([0f, 0f], [1f, 1f]));
        Assert.Equal(-1.0, RankCorrelation.Cosine([1f, 2f], [-2f, -4f]), 6);
    }

    // Pair counts checked by hand with `wc -l` and `awk -F'\t' '$1 != ""'` (every line of these files is scored).
    [Fact]
    public void Sts_reader_counts_the_pairs_of_each_file()
    {
        var root = System.IO.Path.GetDirectoryName(System.IO.Path.GetDirectoryName(SharedFiles.Path("data/sts/2013/FNWN.test.tsv")))!;
        var sts13 = StsDataset.LoadYear(root, 2013);
        Assert.Equal([("FNWN.test", 189), ("OnWN.test", 561), ("headlines.test", 750)], sts13.Select(f => (f.Name, f.Pairs.Count)));
        var sts12 = StsDataset.LoadYear(root, 2012);
        Assert.Equal([("MSRpar.test", 750), ("OnWN.test", 750), ("SMTeuroparl.test", 459), ("SMTnews.test", 399)], sts12.Select(f => (f.Name, f.Pairs.Count)));
        Assert.Equal(6, StsDataset.LoadYear(root, 2012, includeTrain: true).Count);
        Assert.Equal(3750, StsDataset.LoadYear(root, 2014).Sum(f => f.Pairs.Count));
        var first = sts12[0].Pairs[0];
        Assert.Equal(4.4, first.Gold);
        Assert.StartsWith("The problem likely will mean corrective changes", first.First, StringComparison.Ordinal);
    }

    [Fact]
    public void Sts_reader_skips_unscored_lines_and_names_file_and_line_of_a_malformed_one()
    {
        var folder = Directory.CreateTempSubdirectory("sts-test").FullName;
        try
        {
            var good = System.IO.Path.Combine(folder, "good.tsv");
            File.WriteAllLines(good, ["3.5\ta cat\ta kitten", "\tunscored\tpair", "0\tx\ty"]);
            var read = StsDataset.ReadFile(good, 2099);
            Assert.Equal(2, read.Pairs.Count);
            Assert.Equal(1, read.SkippedLines);

            var bad = System.IO.Path.Combine(folder, "bad.tsv");
            File.WriteAllLines(bad, ["1\ta\tb", "high\ta\tb"]);
            var e = Assert.Throws<DataFormatException>(() => StsDataset.ReadFile(bad, 2099));
            Assert.Contains("bad.tsv", e.Message, StringComparison.Ordinal);
            Assert.Contains("line 2", e.Message, StringComparison.Ordinal);

            File.WriteAllLines(bad, ["1\ta\tb", "2\ta\tb", "4\tonly two fields"]);
            e = Assert.Throws<DataFormatException>(() => StsDataset.ReadFile(bad, 2099));
            Assert.Contains("line 3: expected 3 tab-separated fields", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Probe_separates_separable_classes_and_stays_at_chance_on_noise()
    {
        var random = new Random(7);
        float Gauss() => (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        const int classes = 4, perClass = 60, dims = 16;
        var features = new List<float[]>();
        var labels = new List<int>();
        for (int c = 0; c < classes; c++)
        {
            for (int i = 0; i < perClass; i++)
            {
                var x = Enumerable.Range(0, dims).Select(_ => Gauss()).ToArray();
                x[c] += 4; // class c sits 4 standard deviations out along axis c
                features.Add(x);
                labels.Add(c);
            }
        }
        var separable = LogisticProbe.CrossValidate(features, labels, new ProbeSettings());
        Assert.True(separable.Accuracy > 0.95, $"separable accuracy {separable.Accuracy}");
        Assert.Equal(0.25, separable.ChanceAccuracy);

        var noise = features.Select(_ => Enumerable.Range(0, dims).Select(_ => Gauss()).ToArray()).ToList();
        var chance = LogisticProbe.CrossValidate(noise, labels, new ProbeSettings());
        Assert.InRange(chance.Accuracy, 0.12, 0.38);

        var again = LogisticProbe.CrossValidate(noise, labels, new ProbeSettings());
        Assert.Equal(chance.FoldAccuracies, again.FoldAccuracies);
    }

    [Fact]
    public void Brown_labels_come_from_the_sample_id_and_pieces_have_fixed_size()
    {
        Assert.Equal(0, BrownGenres.LabelOf("ca01"));
        Assert.Equal(8, BrownGenres.LabelOf("cj80"));
        Assert.Equal(14, BrownGenres.LabelOf("cr09"));
        Assert.Throws<ArgumentException>(() => BrownGenres.LabelOf("moby"));
        var words = string.Join(' ', Enumerable.Range(0, 200).Select(i => $"w{i}"));
        var pieces = BrownGenres.Pieces([new TextDocument("cb02", words)], 5);
        Assert.Equal(200 / BrownGenres.WordsPerPiece, pieces.Count);
        Assert.All(pieces, p => Assert.Equal(BrownGenres.WordsPerPiece, p.Text.Split(' ').Length));
        Assert.All(pieces, p => Assert.Equal(1, p.Label));
    }

    [Fact]
    public void Pooling_ignores_right_padding()
    {
        using var model = new LlamaForCausalLM(new LlamaConfig(64, 32, 64, 2, 4, 2, 8, MaxPositionEmbeddings: 64));
        model.Initialize(3);
        int[] shortText = [5, 9, 12];
        int[] longText = [7, 1, 30, 22, 18, 40, 2];
        const int special = 63;
        var collator = new GemCollator([special], new GemSettings());

        var lastAlone = DecoderEmbedder.LastToken(model, [shortText]);
        var lastPadded = DecoderEmbedder.LastToken(model, [shortText, longText]);
        var meanAlone = GemEmbedder.MeanPooled(model, [shortText]);
        var meanPadded = GemEmbedder.MeanPooled(model, [shortText, longText]);
        var gemAlone = GemEmbedder.Embed(model, collator, [shortText]);
        var gemPadded = GemEmbedder.Embed(model, collator, [shortText, longText]);
        for (int j = 0; j < lastAlone[0].Length; j++)
        {
            Assert.Equal(lastAlone[0][j], lastPadded[0][j], 5);
            Assert.Equal(meanAlone[0][j], meanPadded[0][j], 5);
            Assert.Equal(gemAlone[0][j], gemPadded[0][j], 5);
        }
        // The three poolings are different vectors; the last token's state is the last position of a plain forward pass.
        Assert.NotEqual(lastAlone[0], meanAlone[0]);
        Assert.NotEqual(lastAlone[0], gemAlone[0]);
        Assert.True(RankCorrelation.Cosine(gemAlone[0], gemPadded[0]) > 0.99999);
    }
}
