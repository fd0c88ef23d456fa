namespace FedOrleans.Models.Nn;

/// <summary>The model architectures a spec can name.</summary>
public enum ModelKind
{
    /// <summary>Multinomial logistic regression: one linear layer on the flattened input.</summary>
    Logistic,

    /// <summary>A multilayer perceptron with ReLU hidden layers (McMahan et al.'s "2NN" is hidden [200, 200]).</summary>
    Mlp,

    /// <summary>The FedMM paper's CNN (papers.md section 3.4): conv5x5-32, pool, conv5x5-48, pool, FC 100, FC 100, FC classes.</summary>
    Cnn,
}
