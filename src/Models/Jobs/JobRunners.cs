using FedOrleans.Models.Data;

namespace FedOrleans.Models.Jobs;

/// <summary>Builds the runner of a job kind, and names the data it needs fetched first.</summary>
public static class JobRunners
{
    /// <param name="device">Where the model trains (the CPU when null).</param>
    public static IJobRunner Create(JobSpec spec, DataCache cache, string? resumeFrom, TorchSharp.torch.Device? device = null) => spec.Kind switch
    {
        JobKind.Pretrain => new PretrainJobRunner(spec.Pretrain!, cache, resumeFrom, device),
        JobKind.Gem => new GemJobRunner(spec.Gem!, spec.Seed, cache, resumeFrom, device),
        JobKind.Smore => new SmoreJobRunner(spec.Smore!, cache, resumeFrom, device),
        _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Kind, "unknown job kind"),
    };

    public static IReadOnlyList<DatasetName> Datasets(JobSpec spec) => spec.Kind switch
    {
        JobKind.Pretrain => spec.Pretrain!.Corpus,
        JobKind.Gem => spec.Gem!.Corpus,
        _ => [Adapters.FineTuning.AnswerTasks.RealDataset(spec.Smore!.Task)],
    };

    /// <summary>The checkpoint a job starts from (GEM and adapter jobs), or null.</summary>
    public static string? BaseCheckpoint(JobSpec spec) => spec.Gem?.Base ?? spec.Smore?.Base;
}
