using FedOrleans.Models.Data;
using FedOrleans.Models.Data.Partitioning;

namespace FedOrleans.Models.Tests;

public sealed class PartitionerTests
{
    private static async Task<int[]> MnistLabels() => (await TestData.LoadAsync(DatasetName.Mnist)).Train.Labels;

    [Fact]
    public async Task Dirichlet_label_skew_grows_as_alpha_falls()
    {
        var labels = await MnistLabels();
        double Skew(double alpha) => Partitioner.Create(new PartitionSpec(PartitionKind.Dirichlet, 50, 11, Alpha: alpha, MinSize: 5), labels, 10).LabelSkew(labels, 10);
        var skews = new[] { 100, 1, 0.3, 0.1 }.Select(Skew).ToArray();
        for (int i = 1; i < skews.Length; i++)
        {
            Assert.True(skews[i] > skews[i - 1], $"skew should grow as alpha falls: {string.Join(", ", skews)}");
        }
        Assert.True(skews[0] < 0.1, $"alpha=100 should be nearly IID, skew {skews[0]}");
        var iid = Partitioner.Create(new PartitionSpec(PartitionKind.Iid, 50, 11), labels, 10).LabelSkew(labels, 10);
        Assert.True(iid < skews[1]);
    }

    [Theory]
    [InlineData(PartitionKind.Iid)]
    [InlineData(PartitionKind.Dirichlet)]
    [InlineData(PartitionKind.Pathological)]
    [InlineData(PartitionKind.Shards)]
    public async Task Same_seed_gives_the_same_partition_and_every_sample_is_used_once(PartitionKind kind)
    {
        var labels = await MnistLabels();
        var spec = new PartitionSpec(kind, 40, 123, Alpha: 0.5, MinSize: 10);
        var a = Partitioner.Create(spec, labels, 10);
        var b = Partitioner.Create(spec, labels, 10);
        var c = Partitioner.Create(spec with { Seed = 124 }, labels, 10);
        Assert.Equal(a.ClientIndices, b.ClientIndices);
        Assert.NotEqual(a.ClientIndices, c.ClientIndices);
        var all = a.ClientIndices.SelectMany(x => x).ToArray();
        Assert.Equal(all.Length, all.Distinct().Count());
        Assert.Equal(labels.Length, all.Length);
    }

    [Fact]
    public async Task Dirichlet_honours_the_minimum_size_and_explains_an_impossible_one()
    {
        var labels = await MnistLabels();
        var partition = Partitioner.Create(new PartitionSpec(PartitionKind.Dirichlet, 50, 5, Alpha: 0.3, MinSize: 100), labels, 10);
        Assert.All(partition.ClientIndices, c => Assert.True(c.Length >= 100));
        var error = Assert.Throws<PartitionException>(() =>
            Partitioner.Create(new PartitionSpec(PartitionKind.Dirichlet, 1000, 5, Alpha: 0.5, MinSize: 100), labels, 10));
        Assert.Contains("lower min_size", error.Message);
    }

    [Fact]
    public async Task Pathological_gives_each_client_exactly_k_classes_and_shards_deal_sorted_blocks()
    {
        var labels = await MnistLabels();
        var patho = Partitioner.Create(new PartitionSpec(PartitionKind.Pathological, 30, 2, ClassesPerClient: 3), labels, 10);
        Assert.All(patho.ClassHistograms(labels, 10), h => Assert.Equal(3, h.Count(v => v > 0)));
        var shards = Partitioner.Create(new PartitionSpec(PartitionKind.Shards, 100, 2, ShardsPerClient: 2), labels, 10);
        Assert.All(shards.ClientIndices, c => Assert.Equal(600, c.Length));
        Assert.All(shards.ClassHistograms(labels, 10), h => Assert.InRange(h.Count(v => v > 0), 1, 4));
    }

    [Fact]
    public async Task Unlabelled_clients_are_chosen_by_the_seed_and_listed_in_the_csv()
    {
        var labels = await MnistLabels();
        var spec = new PartitionSpec(PartitionKind.Iid, 10, 9, UnlabelledClients: 3);
        var p = Partitioner.Create(spec, labels, 10);
        Assert.Equal(3, p.Unlabelled.Count(u => u));
        Assert.Equal(p.Unlabelled, Partitioner.Create(spec, labels, 10).Unlabelled);
        var csv = p.ToCsv(labels, 10).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("client,samples,unlabelled,class_0,class_1,class_2,class_3,class_4,class_5,class_6,class_7,class_8,class_9", csv[0]);
        Assert.Equal(11, csv.Length);
        Assert.Equal(3, csv.Skip(1).Count(line => line.Split(',')[2] == "1"));
        Assert.All(csv.Skip(1), line => Assert.Equal(6000, line.Split(',').Skip(3).Sum(int.Parse)));
    }
}
