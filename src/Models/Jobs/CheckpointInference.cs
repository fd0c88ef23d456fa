using FedOrleans.Models.Llm;
using FedOrleans.Models.Llm.Gem;
using FedOrleans.Models.Llm.Tokenization;

namespace FedOrleans.Models.Jobs;

/// <summary>How a text becomes one vector (spec and console spelling: <c>gem</c>, <c>mean</c>).</summary>
public enum EmbeddingMethod
{
    /// <summary>GEM: the checkpoint's special tokens appended, the mean of their last-layer states.</summary>
    Gem,

    /// <summary>The baseline: the mean of the last-layer states over the text's own tokens.</summary>
    Mean,
}

/// <summary>
/// Embedding and generation with a checkpoint: one trained here (GPT-2 vocabulary) or a Llama-family checkpoint
/// with its tokenizer files (<see cref="CheckpointTokenizers"/>); GEM's special tokens are the rows after the
/// tokenizer's vocabulary. Sequences start with the tokenizer's begin-of-text token where it has one.
/// What the inference grains run on a silo.
/// </summary>
public static class CheckpointInference
{
    /// <summary>Longest text embedded, in tokens (longer ones are cut).</summary>
    public const int MaxTextTokens = 512;

    public static float[][] Embed(string checkpoint, IReadOnlyList<string> texts, EmbeddingMethod method, TorchSharp.torch.Device? device = null)
    {
        using var model = Load(checkpoint, out var tokenizer, device);
        var ids = texts.Select(t => tokenizer.Encode(t)).Select(e => e.Length > MaxTextTokens ? e[..MaxTextTokens] : e).ToList();
        if (ids.Any(i => i.Length == 0))
        {
            throw new ArgumentException("an empty text has no embedding; every text needs at least one token");
        }
        if (method == EmbeddingMethod.Mean)
        {
            return GemEmbedder.MeanPooled(model, ids.Select(e => CheckpointTokenizers.WithBeginOfText(tokenizer, e)).ToList());
        }
        int specials = tokenizer.AddedTokenIds.Count;
        if (specials == 0)
        {
            throw new ArgumentException($"{checkpoint} has no GEM special tokens (vocabulary {model.Config.VocabSize}); fine-tune it with a gem job first, or use the mean method");
        }
        var collator = new GemCollator(tokenizer.AddedTokenIds, new GemSettings(SpecialTokenCount: specials, MaxLength: MaxTextTokens + specials + 1), tokenizer.BeginOfTextId);
        return GemEmbedder.Embed(model, collator, ids);
    }

    public static string Generate(string checkpoint, string prompt, GenerationSettings settings, TorchSharp.torch.Device? device = null)
    {
        settings.Validate();
        using var model = Load(checkpoint, out var tokenizer, device);
        var prompted = CheckpointTokenizers.WithBeginOfText(tokenizer, tokenizer.Encode(prompt));
        var generated = TextGenerator.Generate(model, prompted, settings with { StopToken = settings.StopToken ?? tokenizer.EndOfTextId });
        return tokenizer.Decode(TextTokens(tokenizer, generated));
    }

    /// <summary>The generated ids without the special ones: end and begin of text and GEM's added tokens.</summary>
    public static IEnumerable<int> TextTokens(ITextTokenizer tokenizer, IEnumerable<int> ids)
    {
        int own = tokenizer.VocabularySize - tokenizer.AddedTokenIds.Count;
        return ids.Where(t => t < own && t != tokenizer.EndOfTextId && t != tokenizer.BeginOfTextId);
    }

    /// <summary>Loads a checkpoint onto <paramref name="device"/> (the CPU when null), with its tokenizer (GEM tokens included).</summary>
    public static LlamaForCausalLM Load(string checkpoint, out ITextTokenizer tokenizer, TorchSharp.torch.Device? device = null)
    {
        var model = LlamaCheckpoint.Load(checkpoint);
        try
        {
            tokenizer = CheckpointTokenizers.ForModel(checkpoint, model.Config.VocabSize);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        model.MoveTo(device);
        return model;
    }
}
