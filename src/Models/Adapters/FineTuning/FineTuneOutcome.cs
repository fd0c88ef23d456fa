namespace FedOrleans.Models.Adapters.FineTuning;

/// <summary>
/// What a fine-tune produced: the mean training loss (LM on the answer tokens plus auxiliary) of every epoch, the
/// validation accuracy after every epoch, the test accuracy before and after, the number of optimizer steps and of
/// trainable parameters.
/// </summary>
public sealed record FineTuneOutcome(
    IReadOnlyList<double> EpochLosses,
    IReadOnlyList<double> ValidationAccuracy,
    double InitialTestAccuracy,
    double TestAccuracy,
    int Steps,
    long TrainableParameters);
