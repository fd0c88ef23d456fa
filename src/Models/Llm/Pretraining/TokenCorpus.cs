using FedOrleans.Models.Data;

namespace FedOrleans.Models.Llm.Pretraining;

/// <summary>
/// A tokenized corpus for language modelling: every document's tokens followed by the end-of-text token,
/// concatenated, split by document into training and validation streams (every
/// <c>validationEvery</c>-th document is held out, so both streams cover the whole corpus).
/// </summary>
public sealed record TokenCorpus(int[] Train, int[] Validation)
{
    public static TokenCorpus FromDocuments(IReadOnlyList<TextDocument> documents, ITextTokenizer tokenizer, int validationEvery = 20)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(validationEvery, 2);
        var train = new List<int>();
        var validation = new List<int>();
        for (int i = 0; i < documents.Count; i++)
        {
            var target = i % validationEvery == validationEvery - 1 ? validation : train;
            target.AddRange(tokenizer.Encode(documents[i].Text));
            target.Add(tokenizer.EndOfTextId);
        }
        if (validation.Count == 0)
        {
            throw new ArgumentException($"{documents.Count} documents leave none for validation (every {validationEvery}th is held out)");
        }
        return new TokenCorpus([.. train], [.. validation]);
    }
}
