using FedOrleans.Models.Adapters;
using FedOrleans.Models.Adapters.FineTuning;
using FedOrleans.Models.Data;
using FedOrleans.Models.Llm;
using FedOrleans.Models.Llm.Gem;
using FedOrleans.Models.Llm.Pretraining;
using FedOrleans.Models.Torch;

namespace FedOrleans.Models.Jobs;

/// <summary>
/// One language-model job (pre-training, GEM or adapter fine-tuning), validated from YAML (<see cref="JobSpecParser"/>, experiments/*-job.yaml). Exactly
/// one of <see cref="Pretrain"/> and <see cref="Gem"/> is set, by <see cref="Kind"/>.
/// </summary>
public sealed record JobSpec(
    string Name,
    JobKind Kind,
    int Seed,
    GpuRequirement Gpu,
    int CheckpointEvery,
    int ReportEvery,
    PretrainJobSettings? Pretrain,
    GemJobSettings? Gem,
    SmoreJobSettings? Smore = null)
{
    /// <summary>Steps (pre-training) or iterations (GEM) the job runs; 0 for adapter jobs, whose steps follow from the task's size.</summary>
    public int TotalSteps => Kind switch
    {
        JobKind.Pretrain => Pretrain!.Training.Steps,
        JobKind.Gem => Gem!.Gem.TotalIterations,
        _ => 0,
    };
}

/// <summary>Pre-training: a model size, the corpora, and the trainer's settings.</summary>
public sealed record PretrainJobSettings(LlamaPreset Preset, IReadOnlyList<DatasetName> Corpus, PretrainingSettings Training);

/// <summary>
/// GEM fine-tuning of the checkpoint in <see cref="Base"/> (a Hugging Face folder with GPT-2 vocabulary,
/// e.g. a pre-training job's output) on texts cut from <see cref="Corpus"/>: pieces of <see cref="TextTokens"/>
/// tokens, <see cref="BatchSize"/> a step.
/// </summary>
public sealed record GemJobSettings(string Base, IReadOnlyList<DatasetName> Corpus, GemSettings Gem, int BatchSize, int TextTokens);

/// <summary>
/// Adapter fine-tuning: <see cref="Adapter"/> on the <see cref="Targets"/> projections of the frozen checkpoint in
/// <see cref="Base"/>, trained on the answer task <see cref="Task"/> (<c>spam</c>, <c>sotu</c>, <c>brown</c>).
/// </summary>
public sealed record SmoreJobSettings(string Base, string Task, IAdapterSettings Adapter, AdapterTargets Targets, FineTuneSettings FineTune);
