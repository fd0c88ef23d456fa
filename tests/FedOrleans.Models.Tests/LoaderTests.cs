using System.IO.Compression;
using FedOrleans.Models.Data;

namespace FedOrleans.Models.Tests;

public sealed class LoaderTests
{
    [Fact]
    public async Task Cached_files_are_checked_against_their_sha256_and_a_stamp_records_the_check()
    {
        await TestData.LoadAsync(DatasetName.Mnist);
        var entry = DatasetCatalog.Get(DatasetName.Mnist);
        var cache = new DataCache(Directory.CreateTempSubdirectory("fedorleans-stamp-").FullName);
        Directory.CreateDirectory(cache.DatasetFolder(entry));
        foreach (var file in entry.Files)
        {
            File.Copy(TestData.Cache.FilePath(entry, file), cache.FilePath(entry, file));
        }
        var fetcher = new DatasetFetcher(cache);
        fetcher.CheckCached(DatasetName.Mnist);
        var stamp = File.ReadAllLines(Path.Combine(cache.DatasetFolder(entry), DatasetFetcher.StampFile));
        Assert.Equal(entry.Files.Count, stamp.Length);
        Assert.All(entry.Files, f => Assert.Contains(stamp, line => line.StartsWith(f.CacheName + " ", StringComparison.Ordinal) && line.EndsWith(f.Sha256, StringComparison.Ordinal)));

        // Same size, one label changed within range: nothing but the hash can tell.
        var labels = cache.FilePath(entry, entry.Files[1]);
        var bytes = File.ReadAllBytes(labels);
        bytes[8 + 5] = (byte)((bytes[8 + 5] + 1) % 10);
        File.WriteAllBytes(labels, bytes);
        Assert.True(cache.IsComplete(entry));
        var error = Assert.Throws<DataFetchException>(() => fetcher.CheckCached(DatasetName.Mnist));
        Assert.Contains(labels, error.Message);
        Assert.Contains("fedorleans data fetch mnist --force", error.Message);
        await Assert.ThrowsAsync<DataFetchException>(() => fetcher.EnsureAsync(DatasetName.Mnist));
    }

    [Fact]
    public async Task Mnist_loads_with_the_canonical_counts()
    {
        var mnist = await TestData.LoadAsync(DatasetName.Mnist);
        Assert.Equal(60_000, mnist.Train.Count);
        Assert.Equal(10_000, mnist.Test.Count);
        Assert.Equal(5923, mnist.Train.ClassCounts()[0]);
        Assert.Equal(5949, mnist.Train.ClassCounts()[9]);
        Assert.Equal(5, mnist.Train.Labels[0]);
        Assert.InRange(mnist.Train.MeanValue(), 0.12, 0.14);
    }

    [Fact]
    public async Task Fashion_mnist_and_digits_load()
    {
        var fashion = await TestData.LoadAsync(DatasetName.FashionMnist);
        Assert.All(fashion.Train.ClassCounts(), c => Assert.Equal(6000, c));
        var digits = await TestData.LoadAsync(DatasetName.Digits);
        Assert.Equal(1437, digits.Train.Count);
        Assert.Equal(360, digits.Test.Count);
        Assert.Equal(8, digits.Train.Width);
        Assert.Equal(16, digits.Train.Pixels.Max());
        Assert.Equal(1f / 16, digits.Train.Scale);
    }

    [Fact]
    public async Task A_truncated_idx_file_names_the_file_and_the_problem()
    {
        var path = await TestData.CopyAsync(DatasetName.Mnist, 0);
        using (var f = File.OpenWrite(path))
        {
            f.SetLength(f.Length - 1000);
        }
        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));
        Assert.Equal(path, e.FilePath);
        Assert.Contains("truncated", e.Message);
        Assert.Contains("47,040,016", e.Message);
    }

    [Fact]
    public async Task A_corrupt_idx_header_or_label_is_reported()
    {
        var images = await TestData.CopyAsync(DatasetName.Mnist, 0);
        var bytes = File.ReadAllBytes(images);
        bytes[3] = 0x01; // magic 2051 -> 2049
        File.WriteAllBytes(images, bytes);
        Assert.Contains("is not an IDX image magic", Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(images)).Message);

        var labels = await TestData.CopyAsync(DatasetName.Mnist, 1);
        var lb = File.ReadAllBytes(labels);
        lb[100] = 42;
        File.WriteAllBytes(labels, lb);
        Assert.Contains("label 42 at index 92", Assert.Throws<DataFormatException>(() => IdxReader.ReadLabels(labels, 10)).Message);

        var tiny = Path.Combine(Path.GetDirectoryName(labels)!, "tiny");
        File.WriteAllBytes(tiny, [0, 0, 8]);
        Assert.Contains("too short", Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(tiny)).Message);
        Assert.Contains("file not found", Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(tiny + "-missing")).Message);
    }

    [Fact]
    public async Task A_gzip_idx_file_cut_short_is_reported_not_crashing()
    {
        var path = await TestData.CopyAsync(DatasetName.FashionMnist, 0);
        using (var f = File.OpenWrite(path))
        {
            f.SetLength(f.Length / 2);
        }
        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));
        Assert.Equal(path, e.FilePath);
    }

    [Fact]
    public async Task Broken_digits_csv_lines_are_reported_with_line_and_column()
    {
        var path = await TestData.CopyAsync(DatasetName.Digits, 0);
        var (pixels, labels) = DigitsCsvReader.Read(path);
        Assert.Equal(1797, labels.Length);
        Assert.Equal(1797 * 64, pixels.Length);

        var lines = ReadGz(path);
        lines[2] = lines[2].Replace(",0,", ",x,", StringComparison.Ordinal);
        WriteGz(path, lines);
        var bad = Assert.Throws<DataFormatException>(() => DigitsCsvReader.Read(path));
        Assert.Contains("line 3", bad.Message);
        Assert.Contains("'x' is not a number", bad.Message);

        lines = ReadGz(path);
        lines[2] = "1,2,3";
        WriteGz(path, lines);
        Assert.Contains("3 columns, expected 65", Assert.Throws<DataFormatException>(() => DigitsCsvReader.Read(path)).Message);
    }

    [Fact]
    public async Task Fetch_verification_catches_a_corrupted_cache_file()
    {
        await TestData.LoadAsync(DatasetName.Digits);
        var folder = Directory.CreateTempSubdirectory("fedorleans-cache-").FullName;
        var cache = new DataCache(folder);
        var entry = DatasetCatalog.Get(DatasetName.Digits);
        Directory.CreateDirectory(cache.DatasetFolder(entry));
        var target = cache.FilePath(entry, entry.Files[0]);
        File.Copy(TestData.Cache.FilePath(entry, entry.Files[0]), target);
        var fetcher = new DatasetFetcher(cache);
        Assert.Empty(fetcher.VerifyCached(DatasetName.Digits));
        var bytes = File.ReadAllBytes(target);
        bytes[1000] ^= 0xFF;
        File.WriteAllBytes(target, bytes);
        var problem = Assert.Single(fetcher.VerifyCached(DatasetName.Digits));
        Assert.Contains("SHA-256", problem);
        Assert.Contains("--force", problem);
    }

    private static string[] ReadGz(string path)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        return reader.ReadToEnd().Split('\n');
    }

    private static void WriteGz(string path, string[] lines)
    {
        using var writer = new StreamWriter(new GZipStream(File.Create(path), CompressionLevel.Fastest));
        writer.Write(string.Join('\n', lines));
    }
}
