using static TorchSharp.torch;

namespace FedOrleans.Models.Adapters;

/// <summary>Applies and builds the <see cref="AdapterActivation"/> choices.</summary>
internal static class AdapterActivations
{
    public static Tensor Apply(AdapterActivation activation, Tensor x) => activation switch
    {
        AdapterActivation.Identity => x.alias(),
        AdapterActivation.Relu => nn.functional.relu(x),
        AdapterActivation.Tanh => x.tanh(),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, null),
    };

    public static nn.Module<Tensor, Tensor> Module(AdapterActivation activation) => activation switch
    {
        AdapterActivation.Identity => nn.Identity(),
        AdapterActivation.Relu => nn.ReLU(),
        AdapterActivation.Tanh => nn.Tanh(),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, null),
    };
}
