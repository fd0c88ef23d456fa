using FedOrleans.Models.Data;
using FedOrleans.Models.Data.Partitioning;
using FedOrleans.Models.Specs;

namespace FedOrleans.Models.Tests;

public sealed class DomainDataTests
{
    [Fact]
    public async Task The_mnist_m_builder_is_deterministic_and_its_images_differ_from_mnist()
    {
        var mnist = await TestData.LoadAsync(DatasetName.Mnist);
        await new DatasetFetcher(TestData.Cache).EnsureAsync(DatasetName.PhotosSklearn);
        var photos = DerivedDatasets.LoadPhotos(DatasetName.PhotosSklearn, TestData.Cache);
        var subset = new Dataset("subset", mnist.Test.Pixels[..(200 * 784)], mnist.Test.Scale, mnist.Test.Labels[..200], 1, 28, 28, 10);
        var a = DerivedDatasets.BlendWithPhotos(subset, photos, 7);
        var b = DerivedDatasets.BlendWithPhotos(subset, photos, 7);
        var c = DerivedDatasets.BlendWithPhotos(subset, photos, 8);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        // Colour: the three channels of an image differ; and no image equals its MNIST digit.
        const int plane = 784;
        int colourful = Enumerable.Range(0, 200).Count(i => !a.AsSpan(i * 3 * plane, plane).SequenceEqual(a.AsSpan(i * 3 * plane + plane, plane)));
        Assert.True(colourful > 190, $"{colourful} of 200 images have distinct channels");
        Assert.All(Enumerable.Range(0, 200), i => Assert.False(a.AsSpan(i * 3 * plane, plane).SequenceEqual(subset.Sample(i))));
        // The cached MNIST-M (built by the fetcher, checked against the catalog's SHA-256) has MNIST's labels.
        var mnistM = await TestData.LoadAsync(DatasetName.MnistM);
        Assert.Equal(3, mnistM.Train.Channels);
        Assert.Equal(mnist.Train.Labels, mnistM.Train.Labels);
        Assert.NotEqual(mnist.Train.MeanValue(), mnistM.Train.MeanValue(), 2);
    }

    [Fact]
    public async Task Upsampled_digits_keep_their_labels_and_shape()
    {
        var digits = await TestData.LoadAsync(DatasetName.Digits);
        var up = await TestData.LoadAsync(DatasetName.Digits28);
        Assert.Equal(digits.Train.Labels, up.Train.Labels);
        Assert.Equal((3, 28, 28), (up.Train.Channels, up.Train.Height, up.Train.Width));
        // An all-16 8x8 image becomes an all-255 28x28 one.
        var white = new Dataset("white", Enumerable.Repeat((byte)16, 64).ToArray(), 1f / 16, [0], 1, 8, 8, 10);
        Assert.All(DerivedDatasets.UpsampleToRgb28(white), v => Assert.Equal(255, v));
    }

    [Fact]
    public void Adaptation_specs_lay_out_source_and_target_clients_and_are_validated()
    {
        const string yaml = """
            name: da
            rounds: 2
            dataset: mnist
            adaptation: { target: mnist-m, target_clients: 3, loss: cdan }
            federation: { clients: 4, partition: pathological, classes_per_client: 2 }
            model: { kind: cnn }
            strategy: { kind: fedmm, fraction_fit: 1.0 }
            """;
        var spec = SpecParser.Parse(yaml);
        Assert.Equal(7, spec.TotalClients);
        Assert.Equal(Nn.AdversarialLoss.Cdan, spec.Model.Adversarial);
        Assert.Equal(DatasetName.MnistM, Assert.IsType<DomainAdaptationWorkloadSpec>(spec.Workload).Adaptation.Target);
        var labels = Enumerable.Range(0, 1000).Select(i => i % 10).ToArray();
        var layout = FederationLayout.Create(spec.Partition, ((DomainAdaptationWorkloadSpec)spec.Workload).Adaptation.TargetClients, labels, labels, 10);
        Assert.Equal(7, layout.Clients);
        Assert.False(layout.Client(0).TargetDomain);
        Assert.True(layout.Client(4).TargetDomain && layout.Client(4).Unlabelled);
        Assert.Equal(1000, Enumerable.Range(4, 3).Sum(i => layout.Client(i).Indices.Length));
        Assert.Contains("4,target,", layout.ToCsv(labels, labels, 10));

        var (_, errors, _) = SpecParser.TryParse(yaml, ["model.kind=mlp", "adaptation.target=mnist", "strategy.kind=fedavg"]);
        Assert.Contains(errors, e => e.Path == "model.kind" && e.Message.Contains("FedMM CNN", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path == "adaptation.target" && e.Message.Contains("must differ", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path == "strategy.kind" && e.Message.Contains("needs a minimax strategy", StringComparison.Ordinal));
        var (_, noSection, _) = SpecParser.TryParse(yaml.Replace("adaptation: { target: mnist-m, target_clients: 3, loss: cdan }\n", "", StringComparison.Ordinal));
        Assert.Contains(noSection, e => e.Path == "strategy.kind" && e.Message.Contains("add an adaptation section", StringComparison.Ordinal));
    }
}
