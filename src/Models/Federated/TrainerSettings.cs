namespace FedOrleans.Models.Federated;

/// <summary>
/// Local training settings. <see cref="ProximalMu"/> &gt; 0 adds FedProx's (mu/2)||w - w_global||^2 to the loss.
/// <see cref="LocalSteps"/> &gt; 0 runs exactly that many minibatch steps instead of <see cref="Epochs"/> epochs.
/// </summary>
public sealed record TrainerSettings(
    int Epochs = 1,
    int BatchSize = 32,
    double LearningRate = 0.05,
    OptimizerKind Optimizer = OptimizerKind.Sgd,
    double Momentum = 0,
    double WeightDecay = 0,
    double ProximalMu = 0,
    int LocalSteps = 0);
