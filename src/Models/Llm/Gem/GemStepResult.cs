namespace FedOrleans.Models.Llm.Gem;

/// <summary>
/// What one GEM iteration did: its alpha (0 = mixed next-token prediction, 1 = contrastive), learning rate,
/// total loss and the two parts (null when its weight was 0), the logit scale after clamping (log space)
/// and the gradient norm before clipping.
/// </summary>
public sealed record GemStepResult(
    int Iteration,
    double Alpha,
    double LearningRate,
    double Loss,
    double? NtpLoss,
    double? ContrastiveLoss,
    double LogitScale,
    double GradientNorm);
