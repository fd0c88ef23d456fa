namespace FedOrleans.Models.Llm;

/// <summary>What the language-model code needs from a tokenizer: text to ids and back, the vocabulary size, the end-of-text id.</summary>
public interface ITextTokenizer
{
    int VocabularySize { get; }

    /// <summary>The id appended after every document of a training stream.</summary>
    int EndOfTextId { get; }

    int[] Encode(string text);

    string Decode(IEnumerable<int> ids);
}
