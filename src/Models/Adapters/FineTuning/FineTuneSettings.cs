namespace FedOrleans.Models.Adapters.FineTuning;

/// <summary>
/// Adapter fine-tuning: AdamW at <see cref="LearningRate"/> with linear warm-up over <see cref="WarmupFraction"/> of
/// the steps and cosine decay to 0, global gradient-norm clipping, and <see cref="Seed"/> fixing the batch order
/// and the gates' noise.
/// </summary>
public sealed record FineTuneSettings(
    int Epochs = 2,
    int BatchSize = 16,
    double LearningRate = 1e-3,
    double WeightDecay = 0,
    double WarmupFraction = 0.1,
    double MaxGradNorm = 1.0,
    int Seed = 0,
    int EvaluationBatchSize = 64)
{
    public void Validate()
    {
        if (Epochs < 1 || BatchSize < 1 || EvaluationBatchSize < 1)
        {
            throw new ArgumentException("Epochs, BatchSize and EvaluationBatchSize must be positive");
        }
        if (LearningRate <= 0 || WeightDecay < 0 || WarmupFraction is < 0 or >= 1 || MaxGradNorm <= 0)
        {
            throw new ArgumentException("LearningRate and MaxGradNorm must be positive, WeightDecay not negative, WarmupFraction in [0, 1)");
        }
    }
}
