namespace FedOrleans.Models.Nn;

/// <summary>The hidden layer's non-linearity (one of ASFGNN's tuned hyper-parameters).</summary>
public enum GnnActivation
{
    Relu,
    Elu,
    Tanh,
}
