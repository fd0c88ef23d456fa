using FedOrleans.Models.Data;
using FedOrleans.Models.Llm;
using FedOrleans.Models.Llm.Gem;
using FedOrleans.Models.Llm.Pretraining;
using FedOrleans.Models.Specs;

namespace FedOrleans.Models.Jobs;

/// <summary>
/// One fine-tuning job, validated from YAML (<see cref="JobSpecParser"/>, experiments/*-job.yaml). Exactly
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
    GemJobSettings? Gem)
{
    /// <summary>Steps (pre-training) or iterations (GEM) the job runs.</summary>
    public int TotalSteps => Kind == JobKind.Pretrain ? Pretrain!.Training.Steps : Gem!.Gem.TotalIterations;
}

/// <summary>Pre-training: a model size, the corpora, and the trainer's settings.</summary>
public sealed record PretrainJobSettings(LlamaPreset Preset, IReadOnlyList<DatasetName> Corpus, PretrainingSettings Training);

/// <summary>
/// GEM fine-tuning of the checkpoint in <see cref="Base"/> (a Hugging Face folder with GPT-2 vocabulary,
/// e.g. a pre-training job's output) on texts cut from <see cref="Corpus"/>: pieces of <see cref="TextTokens"/>
/// tokens, <see cref="BatchSize"/> a step.
/// </summary>
public sealed record GemJobSettings(string Base, IReadOnlyList<DatasetName> Corpus, GemSettings Gem, int BatchSize, int TextTokens);
