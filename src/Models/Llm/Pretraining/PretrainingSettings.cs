namespace FedOrleans.Models.Llm.Pretraining;

/// <summary>
/// Pre-training from scratch: AdamW (betas 0.9/0.999, decoupled weight decay), linear warm-up then cosine
/// decay to <see cref="MinLearningRate"/>, global-norm gradient clipping, validation perplexity every
/// <see cref="EvaluateEvery"/> steps on the first <see cref="ValidationBatches"/> batches of the held-out
/// stream, and a checkpoint every <see cref="CheckpointEvery"/> steps (0: only at the end).
/// </summary>
public sealed record PretrainingSettings(
    int Steps = 1000,
    int BatchSize = 16,
    int SequenceLength = 128,
    double PeakLearningRate = 3e-3,
    int WarmupSteps = 50,
    double MinLearningRate = 3e-4,
    double WeightDecay = 0.1,
    double MaxGradientNorm = 1.0,
    int EvaluateEvery = 100,
    int ValidationBatches = 8,
    int CheckpointEvery = 0,
    int Seed = 1)
{
    public void Validate()
    {
        if (Steps < 1 || BatchSize < 1 || SequenceLength < 1 || WarmupSteps < 0 || EvaluateEvery < 1 || ValidationBatches < 1 || CheckpointEvery < 0)
        {
            throw new ArgumentException($"pre-training settings need positive Steps, BatchSize, SequenceLength, EvaluateEvery, ValidationBatches and non-negative WarmupSteps, CheckpointEvery: {this}");
        }
        if (!(PeakLearningRate > 0) || MinLearningRate < 0 || MinLearningRate > PeakLearningRate || WeightDecay < 0 || !(MaxGradientNorm > 0))
        {
            throw new ArgumentException($"pre-training settings need 0 <= MinLearningRate <= PeakLearningRate, PeakLearningRate > 0, WeightDecay >= 0, MaxGradientNorm > 0: {this}");
        }
    }
}
