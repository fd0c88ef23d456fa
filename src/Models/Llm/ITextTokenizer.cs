namespace FedOrleans.Models.Llm;

/// <summary>What the language-model code needs from a tokenizer: text to ids and back, the vocabulary size, the end-of-text id.</summary>
public interface ITextTokenizer
{
    int VocabularySize { get; }

    /// <summary>The id appended after every document of a training stream.</summary>
    int EndOfTextId { get; }

    /// <summary>The id a model of this tokenizer expects first in a sequence (Llama's &lt;s&gt;), or null where there is none (GPT-2).</summary>
    int? BeginOfTextId { get; }

    /// <summary>Ids of the tokens added after the base vocabulary (GEM's special tokens), in order.</summary>
    IReadOnlyList<int> AddedTokenIds { get; }

    int[] Encode(string text);

    string Decode(IEnumerable<int> ids);
}
