namespace FedOrleans.Models.Llm.Tokenization;

/// <summary>
/// Which tokenizer a checkpoint folder uses: its own tokenizer files (a Llama-family checkpoint, read by
/// <see cref="LlamaTokenizerFiles"/>), or GPT-2's BPE for the models FedOrleans trains from scratch (they
/// ship no tokenizer files). Rows of the model beyond the tokenizer's vocabulary are GEM's special tokens.
/// Jobs that write a checkpoint from a base copy the base's tokenizer files (<see cref="CopyFiles"/>), so
/// what they write is read with the same tokenizer.
/// </summary>
public static class CheckpointTokenizers
{
    private static readonly string[] FileNames =
        [HfTokenizerJson.FileName, LlamaTokenizerFiles.SentencePieceOrTiktokenFileName, LlamaTokenizerFiles.ConfigFileName, "special_tokens_map.json"];

    /// <summary>The folder's tokenizer with <paramref name="addedTokens"/> after its vocabulary.</summary>
    public static ITextTokenizer ForFolder(string folder, IReadOnlyList<string> addedTokens) =>
        LlamaTokenizerFiles.Exist(folder) ? LlamaTokenizerFiles.Load(folder, addedTokens) : Gpt2Tokenizer.Create(addedTokens);

    /// <summary>
    /// The tokenizer for a model of <paramref name="modelVocabularySize"/> rows stored in <paramref name="folder"/>:
    /// the rows after the tokenizer's own vocabulary become GEM tokens <c>&lt;|gem_0|&gt;</c>, ... in order.
    /// </summary>
    public static ITextTokenizer ForModel(string folder, int modelVocabularySize)
    {
        var files = LlamaTokenizerFiles.Exist(folder) ? LlamaTokenizerFiles.Read(folder) : null;
        int own = files?.VocabularySize ?? Gpt2Tokenizer.BaseVocabularySize;
        int added = modelVocabularySize - own;
        if (added < 0)
        {
            throw new CheckpointException(folder, files is not null
                ? $"the model has {modelVocabularySize} token rows, fewer than its tokenizer's {own} tokens; the tokenizer files belong to another model"
                : $"the model has {modelVocabularySize} token rows, fewer than GPT-2's {own}, and the folder has no tokenizer files; copy the checkpoint's tokenizer.json (or tokenizer.model) next to its config.json");
        }
        var gemTokens = Gpt2Tokenizer.GemTokens(added);
        return files is not null ? files.Create(gemTokens) : Gpt2Tokenizer.Create(gemTokens);
    }

    /// <summary>Copies the tokenizer files of <paramref name="from"/> (if any) into <paramref name="to"/>.</summary>
    public static void CopyFiles(string from, string to)
    {
        foreach (var name in FileNames)
        {
            var source = Path.Combine(from, name);
            if (File.Exists(source) && !string.Equals(Path.GetFullPath(from), Path.GetFullPath(to), StringComparison.Ordinal))
            {
                File.Copy(source, Path.Combine(to, name), overwrite: true);
            }
        }
    }

    /// <summary>The sequence a model of this tokenizer is fed: the begin-of-text token (Llama), then the ids.</summary>
    public static int[] WithBeginOfText(ITextTokenizer tokenizer, int[] ids) =>
        tokenizer.BeginOfTextId is { } bos ? [bos, .. ids] : ids;
}
