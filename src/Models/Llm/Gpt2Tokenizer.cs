using Microsoft.ML.Tokenizers;

namespace FedOrleans.Models.Llm;

/// <summary>
/// GPT-2's byte-level BPE (50,257 tokens, <c>&lt;|endoftext|&gt;</c> = 50256) from Microsoft.ML.Tokenizers, with
/// added special tokens after the base vocabulary: the i-th added token gets id 50257 + i, so a model built
/// for <see cref="VocabularySize"/> (or grown with <see cref="LlamaForCausalLM.WithAddedTokens"/>) has a row
/// for each. Special tokens written in a text are encoded as their single id.
/// </summary>
public sealed class Gpt2Tokenizer : ITextTokenizer
{
    public const int BaseVocabularySize = 50257;
    public const string EndOfTextToken = "<|endoftext|>";
    public const int EndOfText = 50256;

    private readonly TiktokenTokenizer _tokenizer;

    private Gpt2Tokenizer(TiktokenTokenizer tokenizer, IReadOnlyList<string> addedTokens)
    {
        _tokenizer = tokenizer;
        AddedTokens = addedTokens;
    }

    /// <summary>The added special tokens, in id order.</summary>
    public IReadOnlyList<string> AddedTokens { get; }

    /// <summary>Ids of <see cref="AddedTokens"/>: 50257, 50258, ...</summary>
    public IReadOnlyList<int> AddedTokenIds => Enumerable.Range(BaseVocabularySize, AddedTokens.Count).ToArray();

    public int VocabularySize => BaseVocabularySize + AddedTokens.Count;

    public int EndOfTextId => EndOfText;

    public int? BeginOfTextId => null;

    public static Gpt2Tokenizer Create(params IReadOnlyList<string> addedTokens)
    {
        var special = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < addedTokens.Count; i++)
        {
            if (string.IsNullOrEmpty(addedTokens[i]) || addedTokens[i] == EndOfTextToken || !special.TryAdd(addedTokens[i], BaseVocabularySize + i))
            {
                throw new ArgumentException($"added token {i} (\"{addedTokens[i]}\") is empty, a duplicate or GPT-2's own {EndOfTextToken}");
            }
        }
        return new Gpt2Tokenizer(TiktokenTokenizer.CreateForModel("gpt2", special), [.. addedTokens]);
    }

    /// <summary>GEM's special tokens: <c>&lt;|gem_0|&gt;</c>, <c>&lt;|gem_1|&gt;</c>, ...</summary>
    public static IReadOnlyList<string> GemTokens(int count) => Enumerable.Range(0, count).Select(i => $"<|gem_{i}|>").ToArray();

    public int[] Encode(string text) => [.. _tokenizer.EncodeToIds(text)];

    public string Decode(IEnumerable<int> ids) => _tokenizer.Decode(ids);
}
