using FedOrleans.Models.Nn;
using FedOrleans.Models.Torch;
using static TorchSharp.torch;

namespace FedOrleans.Models.Tests;

public sealed class TorchTests
{
    [Fact]
    public void TorchSharp_loads_and_computes_a_matmul()
    {
        TorchRuntime.Configure(1);
        using var scope = NewDisposeScope();
        var a = tensor(new float[] { 1, 2, 3, 4 }, [2, 2]);
        var b = tensor(new float[] { 5, 6, 7, 8 }, [2, 2]);
        var c = matmul(a, b).data<float>().ToArray();
        Assert.Equal(new float[] { 19, 22, 43, 50 }, c);
    }

    [Theory]
    [InlineData(ModelKind.Logistic, 7850)]
    [InlineData(ModelKind.Mlp, 784 * 200 + 200 + 200 * 200 + 200 + 200 * 10 + 10)]
    [InlineData(ModelKind.Cnn, 32 * 25 + 32 + 48 * 32 * 25 + 48 + 2352 * 100 + 100 + 100 * 100 + 100 + 100 * 10 + 10)]
    public void Parameter_vectors_round_trip_and_seeded_init_is_reproducible(ModelKind kind, long expectedParameters)
    {
        var spec = new ModelSpec(kind, kind == ModelKind.Mlp ? [200, 200] : []);
        var shape = new InputShape(1, 28, 28, 10);
        Assert.Equal(expectedParameters, ModelFactory.ParameterCount(spec, shape));
        var first = ModelFactory.InitialWeights(spec, shape, 7);
        var again = ModelFactory.InitialWeights(spec, shape, 7);
        var other = ModelFactory.InitialWeights(spec, shape, 8);
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        using var module = ModelFactory.Create(spec, shape);
        ParameterVector.Write(module, first);
        Assert.Equal(first, ParameterVector.Read(module));
    }
}
