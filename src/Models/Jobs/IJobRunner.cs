namespace FedOrleans.Models.Jobs;

/// <summary>
/// The torch side of one language-model job, driven a step at a time by its job grain: it owns the model and
/// the optimizer, checkpoints to a folder and resumes from one exactly. Synchronous and single-threaded.
/// </summary>
public interface IJobRunner : IDisposable
{
    /// <summary>Steps done (restored by <see cref="Resume"/>).</summary>
    int Step { get; }

    int TotalSteps { get; }

    /// <summary>Parameters being trained (the whole model, or the adapters).</summary>
    long Parameters { get; }

    /// <summary>One optimisation step.</summary>
    JobStep Advance();

    /// <summary>Writes a Hugging Face folder plus the optimizer state, so <see cref="Resume"/> continues exactly.</summary>
    void SaveCheckpoint(string folder);

    /// <summary>Continues from a checkpoint written by <see cref="SaveCheckpoint"/>.</summary>
    void Resume(string folder);
}

/// <summary>
/// What one step reports: the loss, the learning rate, and a kind-specific metric when there is one
/// (validation perplexity, GEM's logit scale). <see cref="Evaluated"/> marks a scheduled evaluation, which
/// is always reported.
/// </summary>
public sealed record JobStep(int Step, double Loss, double LearningRate, string MetricName, double? Metric, bool Evaluated = false);
