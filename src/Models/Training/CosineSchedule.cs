namespace FedOrleans.Models.Training;

/// <summary>
/// Learning rate with linear warm-up and cosine decay: step s (0-based) gets
/// <c>peak * (s + 1) / warmup</c> during warm-up, then
/// <c>min + (peak - min) * (1 + cos(pi * progress)) / 2</c> with progress going from 0 to 1 over the remaining steps.
/// </summary>
public sealed record CosineSchedule(double PeakLearningRate, int TotalSteps, int WarmupSteps = 0, double MinLearningRate = 0)
{
    public double At(int step)
    {
        if (step < WarmupSteps)
        {
            return PeakLearningRate * (step + 1) / WarmupSteps;
        }
        int decaySteps = Math.Max(1, TotalSteps - WarmupSteps);
        double progress = Math.Clamp((double)(step - WarmupSteps) / decaySteps, 0, 1);
        return MinLearningRate + (PeakLearningRate - MinLearningRate) * (1 + Math.Cos(Math.PI * progress)) / 2;
    }
}
