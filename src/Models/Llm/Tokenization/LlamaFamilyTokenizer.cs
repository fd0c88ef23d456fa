using Microsoft.ML.Tokenizers;

namespace FedOrleans.Models.Llm.Tokenization;

/// <summary>
/// The tokenizer a Llama-family checkpoint ships, run by Microsoft.ML.Tokenizers (<see cref="LlamaTokenizerFiles"/>
/// reads it): SentencePiece BPE (<c>LlamaTokenizer</c>) for Llama 1/2 and Mistral, tiktoken for Llama 3.
/// <see cref="Encode"/> adds no begin-of-text token; callers that feed a model put <see cref="BeginOfTextId"/>
/// first. Added tokens (GEM's special tokens) take the ids after the checkpoint's vocabulary, in order, and are
/// encoded as one id wherever they appear in a text; the model grows by as many rows
/// (<see cref="LlamaForCausalLM.WithAddedTokens"/>, initialised to the mean embedding).
/// </summary>
public sealed class LlamaFamilyTokenizer : ITextTokenizer
{
    private readonly Tokenizer _tokenizer;

    internal LlamaFamilyTokenizer(Tokenizer tokenizer, HfTokenizerDesign design, int baseVocabularySize, int beginOfText, int endOfText,
        IReadOnlyList<string> addedTokens, string source)
    {
        _tokenizer = tokenizer;
        Design = design;
        BaseVocabularySize = baseVocabularySize;
        BeginOfTextId = beginOfText;
        EndOfTextId = endOfText;
        AddedTokens = addedTokens;
        Source = source;
    }

    public HfTokenizerDesign Design { get; }

    /// <summary>The file it was read from.</summary>
    public string Source { get; }

    /// <summary>Ids of the checkpoint's own tokens, its special tokens included: 32,000 for Llama 2, 128,256 for Llama 3.</summary>
    public int BaseVocabularySize { get; }

    public IReadOnlyList<string> AddedTokens { get; }

    public IReadOnlyList<int> AddedTokenIds => Enumerable.Range(BaseVocabularySize, AddedTokens.Count).ToArray();

    public int VocabularySize => BaseVocabularySize + AddedTokens.Count;

    public int EndOfTextId { get; }

    public int? BeginOfTextId { get; }

    public int[] Encode(string text) => _tokenizer is SentencePieceTokenizer sentencePiece
        ? [.. sentencePiece.EncodeToIds(text, addBeginningOfSentence: false, addEndOfSentence: false)]
        : [.. _tokenizer.EncodeToIds(text)];

    /// <summary>The text of the ids, special and added tokens written out (as GPT-2's tokenizer does).</summary>
    public string Decode(IEnumerable<int> ids) => _tokenizer is SentencePieceTokenizer sentencePiece
        ? sentencePiece.Decode(ids, considerSpecialTokens: true)
        : _tokenizer.Decode(ids);
}
