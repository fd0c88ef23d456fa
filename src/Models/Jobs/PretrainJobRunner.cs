using FedOrleans.Models.Data;
using FedOrleans.Models.Llm;
using FedOrleans.Models.Llm.Pretraining;

namespace FedOrleans.Models.Jobs;

/// <summary>A pre-training job: GPT-2 BPE over the spec's corpora, <see cref="LanguageModelTrainer"/>, validation perplexity on schedule.</summary>
public sealed class PretrainJobRunner : IJobRunner
{
    private readonly PretrainJobSettings _settings;
    private readonly LlamaForCausalLM _model;
    private readonly LanguageModelTrainer _trainer;

    /// <param name="settings">What to train.</param>
    /// <param name="cache">Where the corpora are (fetched beforehand).</param>
    /// <param name="resumeFrom">A checkpoint folder to continue from, or null to start from a seeded initialisation.</param>
    public PretrainJobRunner(PretrainJobSettings settings, DataCache cache, string? resumeFrom, TorchSharp.torch.Device? device = null)
    {
        _settings = settings;
        var tokenizer = Gpt2Tokenizer.Create();
        var documents = settings.Corpus.SelectMany(n => TextCorpus.Load(n, cache)).ToList();
        var tokens = TokenCorpus.FromDocuments(documents, tokenizer);
        var config = resumeFrom is not null ? LlamaConfig.Load(resumeFrom) : LlamaConfig.FromPreset(settings.Preset, tokenizer.VocabularySize) with { TieWordEmbeddings = true };
        _model = new LlamaForCausalLM(config);
        _model.Initialize((ulong)settings.Training.Seed);
        _model.MoveTo(device);
        _trainer = new LanguageModelTrainer(_model, settings.Training, tokens.Train, tokens.Validation);
        if (resumeFrom is not null)
        {
            _trainer.Resume(resumeFrom);
        }
        Parameters = config.ParameterCount;
    }

    public int Step => _trainer.Step;

    public int TotalSteps => _settings.Training.Steps;

    public long Parameters { get; }

    public JobStep Advance()
    {
        var report = _trainer.TrainStep();
        double? perplexity = report.Step % _settings.Training.EvaluateEvery == 0 || report.Step == TotalSteps ? _trainer.ValidationPerplexity() : null;
        return new JobStep(report.Step, report.Loss, report.LearningRate, "validation perplexity", perplexity, Evaluated: perplexity is not null);
    }

    public void SaveCheckpoint(string folder) => _trainer.SaveCheckpoint(folder);

    public void Resume(string folder) => _trainer.Resume(folder);

    public void Dispose()
    {
        _trainer.Dispose();
        _model.Dispose();
    }
}
