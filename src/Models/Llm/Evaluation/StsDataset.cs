using System.Globalization;
using FedOrleans.Models.Data;

namespace FedOrleans.Models.Llm.Evaluation;

/// <summary>One scored sentence pair of a SemEval STS file: gold similarity 0-5, the two sentences.</summary>
public sealed record StsPair(double Gold, string First, string Second);

/// <summary>One STS file (e.g. <c>2014/headlines.test.tsv</c>) and its scored pairs.</summary>
public sealed record StsFile(int Year, string Name, string Path, IReadOnlyList<StsPair> Pairs, int SkippedLines);

/// <summary>
/// The SemEval STS 2012-2014 sets (the MTEB tasks STS12, STS13, STS14) in the layout of
/// <c>shared/data/sts</c>: one folder per year, tab-separated <c>gold \t sentence 1 \t sentence 2</c> files.
/// Lines whose gold field is empty are skipped (SemEval left some pairs unscored); any other line that is not
/// three fields with a number in [0, 5] first is an error naming the file and the line.
/// </summary>
public static class StsDataset
{
    public static readonly IReadOnlyList<int> Years = [2012, 2013, 2014];

    /// <summary>
    /// The files of a year, in name order. MTEB's STS12 is the 2012 <em>test</em> sets only, so for 2012 the
    /// <c>*.train.tsv</c> files are left out unless <paramref name="includeTrain"/> is set.
    /// </summary>
    public static IReadOnlyList<StsFile> LoadYear(string root, int year, bool includeTrain = false)
    {
        var folder = System.IO.Path.Combine(root, year.ToString(CultureInfo.InvariantCulture));
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"{folder}: no STS folder for {year} (expected {root}/<year>/*.tsv)");
        }
        var files = Directory.GetFiles(folder, "*.tsv")
            .Where(f => includeTrain || !f.EndsWith(".train.tsv", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(f => ReadFile(f, year))
            .ToList();
        if (files.Count == 0)
        {
            throw new DataFormatException(folder, "holds no .tsv files");
        }
        return files;
    }

    public static StsFile ReadFile(string path, int year)
    {
        var pairs = new List<StsPair>();
        int skipped = 0, number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (line.Length == 0)
            {
                skipped++;
                continue;
            }
            var fields = line.Split('\t');
            if (fields.Length != 3)
            {
                throw new DataFormatException(path, $"line {number}: expected 3 tab-separated fields (gold, sentence 1, sentence 2), found {fields.Length}");
            }
            if (string.IsNullOrWhiteSpace(fields[0]))
            {
                skipped++;
                continue;
            }
            if (!double.TryParse(fields[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double gold) || gold is < 0 or > 5)
            {
                throw new DataFormatException(path, $"line {number}: gold score '{fields[0]}' is not a number in [0, 5]");
            }
            pairs.Add(new StsPair(gold, fields[1], fields[2]));
        }
        var name = System.IO.Path.GetFileName(path);
        return new StsFile(year, name.EndsWith(".tsv", StringComparison.Ordinal) ? name[..^4] : name, path, pairs, skipped);
    }
}
