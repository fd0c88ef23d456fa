namespace FedOrleans.Models.Llm.Pretraining;

/// <summary>One training step: its number (1-based, after the step), learning rate, loss, gradient norm before clipping, and the validation perplexity when it was measured.</summary>
public sealed record PretrainingReport(int Step, double LearningRate, double Loss, double GradientNorm, double? ValidationPerplexity);
