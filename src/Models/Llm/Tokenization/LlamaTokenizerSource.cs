namespace FedOrleans.Models.Llm.Tokenization;

/// <summary>
/// A checkpoint's tokenizer files as <see cref="LlamaTokenizerFiles.Read"/> read them: the vocabulary size (the
/// checkpoint's own tokens, special ones included) and tokenizers built from them with added tokens after it.
/// </summary>
public sealed class LlamaTokenizerSource
{
    private readonly Func<IReadOnlyList<string>, LlamaFamilyTokenizer> _create;

    internal LlamaTokenizerSource(int vocabularySize, Func<IReadOnlyList<string>, LlamaFamilyTokenizer> create)
    {
        VocabularySize = vocabularySize;
        _create = create;
    }

    public int VocabularySize { get; }

    /// <summary>A tokenizer with <paramref name="addedTokens"/> taking the ids from <see cref="VocabularySize"/> on.</summary>
    public LlamaFamilyTokenizer Create(IReadOnlyList<string>? addedTokens = null) => _create(addedTokens ?? []);
}
