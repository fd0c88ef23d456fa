using FedOrleans.Contracts;
using FedOrleans.Models.Data;

namespace FedOrleans.Grains.Tests;

public sealed class CorruptDataTests
{
    /// <summary>A data cache with MNIST whose training labels hold an impossible label (same size, so only the content check finds it).</summary>
    public static string CorruptMnistCache()
    {
        var root = Directory.CreateTempSubdirectory("fedorleans-corrupt-").FullName;
        var source = DataCache.Default;
        var target = new DataCache(root);
        var entry = DatasetCatalog.Get(DatasetName.Mnist);
        Directory.CreateDirectory(target.DatasetFolder(entry));
        foreach (var file in entry.Files)
        {
            File.Copy(source.FilePath(entry, file), target.FilePath(entry, file));
        }
        var labels = target.FilePath(entry, entry.Files[1]);
        var bytes = File.ReadAllBytes(labels);
        bytes[8 + 1234] = 42;
        File.WriteAllBytes(labels, bytes);
        return root;
    }

    [Fact]
    public async Task A_corrupt_dataset_refuses_the_start_with_the_file_and_the_problem()
    {
        await new DatasetFetcher(DataCache.Default).EnsureAsync(DatasetName.Mnist);
        var root = CorruptMnistCache();
        await using var cluster = await TestClusters.StartAsync(1, root);
        var grain = cluster.Client.GetGrain<IExperimentGrain>(Specs.Id("corrupt"));
        // The content check refuses it before anything is read: data unavailable (the console's exit 4), with the fix.
        var error = await Assert.ThrowsAsync<DataUnavailableException>(() => grain.StartAsync(Specs.Small("corrupt", 2)));
        Assert.Contains(Path.Combine(root, "mnist", "train-labels-idx1-ubyte"), error.Message);
        Assert.Contains("does not match the catalog's", error.Message);
        Assert.Contains("data fetch mnist --force", error.Message);
        Assert.Equal(ExperimentPhase.NotStarted, (await grain.GetStatusAsync()).Phase);
    }
}
