using FedOrleans.Models.Data;
using FedOrleans.Models.Llm;
using FedOrleans.Models.Llm.Gem;
using FedOrleans.Models.Llm.Tokenization;

namespace FedOrleans.Models.Jobs;

/// <summary>
/// A GEM job: the base checkpoint (a model trained here, GPT-2 tokens, or a Llama-family checkpoint with its
/// tokenizer files) grows its vocabulary by the special tokens, then <see cref="GemTrainer"/>
/// runs the two phases on pieces of <see cref="GemJobSettings.TextTokens"/> tokens cut from the corpora,
/// <see cref="GemJobSettings.BatchSize"/> pieces drawn per step by a generator seeded with (seed, step).
/// </summary>
public sealed class GemJobRunner : IJobRunner
{
    private readonly GemJobSettings _settings;
    private readonly int _seed;
    private readonly LlamaForCausalLM _model;
    private readonly GemTrainer _trainer;
    private readonly int[][] _pieces;

    public GemJobRunner(GemJobSettings settings, int seed, DataCache cache, string? resumeFrom, TorchSharp.torch.Device? device = null)
    {
        _settings = settings;
        _seed = seed;
        int specials = settings.Gem.SpecialTokenCount;
        var tokenizer = CheckpointTokenizers.ForFolder(settings.Base, Gpt2Tokenizer.GemTokens(specials));
        int own = tokenizer.VocabularySize - specials;
        _pieces = settings.Corpus
            .SelectMany(n => TextCorpus.Load(n, cache))
            .SelectMany(d => Pieces(tokenizer.Encode(d.Text), settings.TextTokens))
            .ToArray();
        if (_pieces.Length < settings.BatchSize)
        {
            throw new ArgumentException($"gem.corpus gives {_pieces.Length} pieces of {settings.TextTokens} tokens, fewer than gem.batch_size ({settings.BatchSize})");
        }
        if (resumeFrom is not null)
        {
            _model = new LlamaForCausalLM(LlamaConfig.Load(resumeFrom));
        }
        else
        {
            using var baseModel = LlamaCheckpoint.Load(settings.Base);
            if (baseModel.Config.VocabSize != own)
            {
                throw new ArgumentException(tokenizer is Gpt2Tokenizer
                    ? $"gem.base {settings.Base} has a vocabulary of {baseModel.Config.VocabSize} and no tokenizer files, so GPT-2's {own} tokens were assumed; copy its tokenizer.json (or tokenizer.model) next to its config.json"
                    : $"gem.base {settings.Base} has a vocabulary of {baseModel.Config.VocabSize}, its tokenizer {own} tokens; is it already GEM-tuned, or are the tokenizer files another model's?");
            }
            _model = baseModel.WithAddedTokens(specials);
        }
        _model.MoveTo(device);
        _trainer = new GemTrainer(_model, tokenizer.AddedTokenIds, settings.Gem, seed, beginOfText: tokenizer.BeginOfTextId);
        if (resumeFrom is not null)
        {
            _trainer.Resume(resumeFrom);
        }
        Parameters = _model.Config.ParameterCount;
    }

    public int Step => _trainer.Iteration;

    public int TotalSteps => _settings.Gem.TotalIterations;

    public long Parameters { get; }

    public JobStep Advance()
    {
        var random = new Random(unchecked(_seed * 7_919 + _trainer.Iteration));
        var batch = Enumerable.Range(0, _settings.BatchSize).Select(_ => _pieces[random.Next(_pieces.Length)]).ToList();
        var result = _trainer.Step(batch);
        return new JobStep(result.Iteration + 1, result.Loss, result.LearningRate, "logit scale", result.LogitScale);
    }

    /// <summary>The model, the optimiser state and the base's tokenizer files (so the checkpoint is read with the same tokenizer).</summary>
    public void SaveCheckpoint(string folder)
    {
        _trainer.SaveCheckpoint(folder);
        CheckpointTokenizers.CopyFiles(_settings.Base, folder);
    }

    public void Resume(string folder) => _trainer.Resume(folder);

    public void Dispose()
    {
        _trainer.Dispose();
        _model.Dispose();
    }

    /// <summary>Consecutive, non-overlapping pieces of exactly <paramref name="length"/> tokens (a shorter tail is dropped).</summary>
    public static IEnumerable<int[]> Pieces(int[] tokens, int length)
    {
        for (int start = 0; start + length <= tokens.Length; start += length)
        {
            yield return tokens[start..(start + length)];
        }
    }
}
