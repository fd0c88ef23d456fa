using FedOrleans.Models.Adapters;
using FedOrleans.Models.Federated;
using FedOrleans.Models.Llm;
using FedOrleans.Models.Torch;
using static TorchSharp.torch;

namespace FedOrleans.Models.Tests;

/// <summary>FedAvg over adapter weights only.</summary>
public sealed class AdapterAveragingTests
{
    [Fact]
    public void Averages_by_samples_in_client_order()
    {
        var updates = new[]
        {
            new AdapterUpdate(2, "L", new ModelWeights([4f, 0f, -2f]), 1),
            new AdapterUpdate(0, "L", new ModelWeights([1f, 2f, 3f]), 3),
            new AdapterUpdate(1, "L", new ModelWeights([100f, 100f, 100f]), 0),
        };
        var average = AdapterAveraging.FedAvg(updates);
        Assert.Equal([(1 * 3 + 4) / 4f, (2 * 3 + 0) / 4f, (3 * 3 - 2) / 4f], average.Values);
        Assert.Equal(average.Values, AdapterAveraging.FedAvg(updates.Reverse().ToArray()).Values);
    }

    [Fact]
    public void Refuses_different_layouts()
    {
        var updates = new[]
        {
            new AdapterUpdate(0, "A", new ModelWeights([1f]), 1),
            new AdapterUpdate(1, "B", new ModelWeights([1f]), 1),
        };
        Assert.Throws<ArgumentException>(() => AdapterAveraging.FedAvg(updates));
    }

    [Fact]
    public void Adapter_weights_export_average_and_import_without_the_base()
    {
        TorchRuntime.EnsureThreadConfigured();
        using var scope = NewDisposeScope();
        using var model = new LlamaForCausalLM(new LlamaConfig(64, 32, 48, 2, 4, 2, 8));
        model.Initialize(1);
        var settings = new SmoreSettings([2, 2], [2, 2], [1, 1], [8, 8], 16, GateKind.Switch, Init: SmoreInit.Normal);
        using var a = ModelAdapters.Apply(model, settings, AdapterTargets.Ffn, 1);
        var first = a.ExportWeights();
        var layout = a.Layout();
        a.Dispose();
        using var b = ModelAdapters.Apply(model, settings, AdapterTargets.Ffn, 50);
        var second = b.ExportWeights();
        Assert.Equal(layout, b.Layout());
        Assert.Equal(b.TrainableParameterCount(), second.Length);
        var average = AdapterAveraging.FedAvg([new AdapterUpdate(0, layout, first, 1), new AdapterUpdate(1, layout, second, 1)]);
        b.ImportWeights(average);
        var imported = b.ExportWeights().Values;
        for (int i = 0; i < imported.Length; i++)
        {
            Assert.Equal((float)((first.Values[i] + (double)second.Values[i]) / 2), imported[i]);
        }
    }
}
