using System.Reflection;
using System.Runtime.InteropServices;
using FedOrleans.Models.Adapters;
using FedOrleans.Models.Llm;
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

    /// <summary>
    /// After <see cref="TorchRuntime.Configure"/>, MKL's vendor question answers yes (on every x64 Linux CPU, see
    /// <see cref="MklDispatch"/>) and the products MKL then computes are right: a float32 product against the same
    /// product in float64.
    /// </summary>
    [Fact]
    public unsafe void Mkl_dispatches_by_cpu_features_and_its_products_are_right()
    {
        TorchRuntime.Configure(1);
        Assert.NotNull(MklDispatch.Outcome);
        Assert.StartsWith("MKL dispatches by features", MklDispatch.Outcome);
        Assert.True(NativeLibrary.TryGetExport(NativeLibrary.Load("libtorch_cpu.so"), "mkl_serv_intel_cpu_true", out var answer));
        Assert.Equal(1, ((delegate* unmanaged<int>)answer)());
        using var scope = NewDisposeScope();
        var generator = new Generator(5);
        var a = randn([320, 784], generator: generator);
        var b = randn([784, 200], generator: generator);
        var exact = a.to(ScalarType.Float64).mm(b.to(ScalarType.Float64));
        double error = a.mm(b).to(ScalarType.Float64).sub(exact).abs().max().item<double>();
        Assert.InRange(error, 0, 1e-3);
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

    public static TheoryData<string> Models => ["logistic", "mlp", "cnn", "dann", "gcn", "sage", "smore", "llama"];

    /// <summary>
    /// TorchSharp 0.107's Linear and Conv2d leave their native module behind when disposed (the reason for
    /// <see cref="TorchModules.ReleaseNative"/>: 2 KB of native memory a fit of the quickstart's MLP). Every model a
    /// fit builds must free the native module of every module in its tree when it is disposed.
    /// </summary>
    [Theory]
    [MemberData(nameof(Models))]
    public void Disposing_a_model_frees_the_native_module_of_every_layer(string kind)
    {
        TorchRuntime.Configure(1);
        var shape = new InputShape(1, 28, 28, 10);
        nn.Module model = kind switch
        {
            "logistic" => ModelFactory.Create(new ModelSpec(ModelKind.Logistic, []), shape),
            "mlp" => ModelFactory.Create(new ModelSpec(ModelKind.Mlp, [200, 200]), shape),
            "cnn" => ModelFactory.Create(new ModelSpec(ModelKind.Cnn, []), shape),
            "dann" => ModelFactory.Create(new ModelSpec(ModelKind.Cnn, [], AdversarialLoss.Dann), shape),
            "gcn" => new GraphNet(new GnnSpec(GnnKind.Gcn), 30, 4),
            "sage" => new GraphNet(new GnnSpec(GnnKind.Sage), 30, 4),
            "smore" => new SmoreAdapter(24, 20, SmoreAdapterTests.Settings([4, 4], [4, 8], [2, 2], GateKind.Switch, AdapterActivation.Tanh, SmoreInit.WFinalZero), 5),
            _ => new LlamaForCausalLM(LlamaConfig.FromPreset(LlamaPreset.Nano)),
        };
        var tree = model.modules().Prepend(model).ToList();
        Assert.Contains(tree, m => m is TorchSharp.Modules.Linear);
        Assert.All(tree, m => Assert.False(NativeReleased(m)));

        model.Dispose();

        Assert.All(tree, m => Assert.True(NativeReleased(m), $"{m.GetType().Name} in {kind} kept its native module"));
    }

    [Fact]
    public void TorchSharp_alone_leaves_a_disposed_linear_layers_native_module_behind()
    {
        TorchRuntime.Configure(1);
        var linear = nn.Linear(4, 3);
        linear.Dispose();
        Assert.False(NativeReleased(linear)); // when this fails, TorchSharp frees it itself and TorchModules can go
        TorchModules.ReleaseNative(linear);
        Assert.True(NativeReleased(linear));
    }

    /// <summary>Whether a module's native module and boxed module (TorchSharp internals) are freed.</summary>
    private static bool NativeReleased(nn.Module module)
    {
        const BindingFlags flags = BindingFlags.Instance | BindingFlags.NonPublic;
        var handle = (SafeHandle)typeof(nn.Module).GetField("handle", flags)!.GetValue(module)!;
        var boxed = typeof(nn.Module).GetField("boxedModule", flags)!.GetValue(module);
        var boxedHandle = boxed is null ? null : (SafeHandle)boxed.GetType().GetField("handle", flags)!.GetValue(boxed)!;
        return handle.IsInvalid && (boxedHandle is null || boxedHandle.IsInvalid);
    }
}
