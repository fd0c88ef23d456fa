using System.Globalization;
using System.IO.Compression;

namespace FedOrleans.Models.Data;

/// <summary>
/// Reads scikit-learn's <c>digits.csv.gz</c> (the UCI optical-digits test set): one sample a line,
/// 64 integer pixel counts in 0..16 (an 8x8 image) and the label 0..9.
/// </summary>
public static class DigitsCsvReader
{
    public const int Side = 8;
    public const int MaxValue = 16;

    public static (float[] Pixels, int[] Labels) Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new DataFormatException(path, "file not found; run `fedorleans data fetch digits` first");
        }
        var pixels = new List<float>(1800 * 64);
        var labels = new List<int>(1800);
        int lineNumber = 0;
        try
        {
            using var file = File.OpenRead(path);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var reader = new StreamReader(gzip);
            string? line;
            while ((line = reader.ReadLine()) is not null)
            {
                lineNumber++;
                if (line.Length == 0)
                {
                    continue;
                }
                var cells = line.Split(',');
                if (cells.Length != Side * Side + 1)
                {
                    throw new DataFormatException(path, $"line {lineNumber} has {cells.Length} columns, expected {Side * Side + 1} (64 pixels and a label)");
                }
                for (int c = 0; c < cells.Length; c++)
                {
                    if (!double.TryParse(cells[c], NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                    {
                        throw new DataFormatException(path, $"line {lineNumber}, column {c + 1}: '{cells[c]}' is not a number");
                    }
                    int limit = c < Side * Side ? MaxValue : 9;
                    if (v < 0 || v > limit || v != Math.Floor(v))
                    {
                        throw new DataFormatException(path, $"line {lineNumber}, column {c + 1}: {v} is outside 0..{limit}");
                    }
                    if (c < Side * Side)
                    {
                        pixels.Add((float)v);
                    }
                    else
                    {
                        labels.Add((int)v);
                    }
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new DataFormatException(path, $"not a valid gzip stream near line {lineNumber} ({e.Message}); fetch it again");
        }
        if (labels.Count == 0)
        {
            throw new DataFormatException(path, "no samples");
        }
        return (pixels.ToArray(), labels.ToArray());
    }
}
