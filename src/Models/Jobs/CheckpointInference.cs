using FedOrleans.Models.Llm;
using FedOrleans.Models.Llm.Gem;

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
/// Embedding and generation with a checkpoint trained here (GPT-2 vocabulary plus any GEM special tokens,
/// which are the rows after GPT-2's 50,257). What the inference grains run on a silo.
/// </summary>
public static class CheckpointInference
{
    /// <summary>Longest text embedded, in tokens (longer ones are cut).</summary>
    public const int MaxTextTokens = 512;

    public static float[][] Embed(string checkpoint, IReadOnlyList<string> texts, EmbeddingMethod method)
    {
        using var model = Load(checkpoint, out var tokenizer);
        var ids = texts.Select(t => tokenizer.Encode(t)).Select(e => e.Length > MaxTextTokens ? e[..MaxTextTokens] : e).ToList();
        if (ids.Any(i => i.Length == 0))
        {
            throw new ArgumentException("an empty text has no embedding; every text needs at least one token");
        }
        if (method == EmbeddingMethod.Mean)
        {
            return GemEmbedder.MeanPooled(model, ids);
        }
        int specials = tokenizer.AddedTokens.Count;
        if (specials == 0)
        {
            throw new ArgumentException($"{checkpoint} has no GEM special tokens (vocabulary {model.Config.VocabSize}); fine-tune it with a gem job first, or use the mean method");
        }
        var collator = new GemCollator(tokenizer.AddedTokenIds, new GemSettings(SpecialTokenCount: specials, MaxLength: MaxTextTokens + specials));
        return GemEmbedder.Embed(model, collator, ids);
    }

    public static string Generate(string checkpoint, string prompt, GenerationSettings settings)
    {
        settings.Validate();
        using var model = Load(checkpoint, out var tokenizer);
        var generated = TextGenerator.Generate(model, tokenizer.Encode(prompt), settings with { StopToken = settings.StopToken ?? Gpt2Tokenizer.EndOfText });
        return tokenizer.Decode(generated.Where(t => t < Gpt2Tokenizer.BaseVocabularySize && t != Gpt2Tokenizer.EndOfText));
    }

    private static LlamaForCausalLM Load(string checkpoint, out Gpt2Tokenizer tokenizer)
    {
        var model = LlamaCheckpoint.Load(checkpoint);
        int added = model.Config.VocabSize - Gpt2Tokenizer.BaseVocabularySize;
        if (added < 0)
        {
            model.Dispose();
            throw new ArgumentException($"{checkpoint}: vocabulary {model.Config.VocabSize} is smaller than GPT-2's ({Gpt2Tokenizer.BaseVocabularySize}); this works with models trained here (GPT-2 BPE)");
        }
        tokenizer = Gpt2Tokenizer.Create(Gpt2Tokenizer.GemTokens(added));
        model.MoveToRuntimeDevice();
        return model;
    }
}
