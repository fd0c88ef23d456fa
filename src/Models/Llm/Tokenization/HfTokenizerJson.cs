using System.Text.Json;

namespace FedOrleans.Models.Llm.Tokenization;

/// <summary>
/// The parts of a Hugging Face <c>tokenizer.json</c> that the Llama family uses: a BPE model (vocabulary,
/// ordered merges, byte fallback), its added tokens, and which of the two designs it follows:
/// SentencePiece-style BPE over <c>▁</c>-escaped text with byte fallback (Llama 1 and 2, Mistral, TinyLlama)
/// or byte-level BPE behind a split regex (Llama 3). Anything else is refused with the reason.
/// </summary>
public sealed record HfTokenizerJson(
    HfTokenizerDesign Design,
    IReadOnlyDictionary<string, int> Vocabulary,
    IReadOnlyList<(string Left, string Right)> Merges,
    IReadOnlyList<HfAddedToken> AddedTokens,
    string? UnknownToken,
    string? SplitPattern)
{
    public const string FileName = "tokenizer.json";

    /// <summary>Reads and classifies a tokenizer.json; <see cref="CheckpointException"/> names the file and the unsupported part.</summary>
    public static HfTokenizerJson Load(string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new CheckpointException(path, $"is not valid JSON ({e.Message})");
        }
        using (document)
        {
            var root = document.RootElement;
            if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
            {
                throw new CheckpointException(path, "has no \"model\" object; is it a Hugging Face tokenizer.json?");
            }
            string type = model.TryGetProperty("type", out var t) ? t.GetString() ?? "" : "";
            if (type != "BPE")
            {
                throw new CheckpointException(path, $"model type is '{type}'; FedOrleans reads BPE tokenizers (Llama 1-3, Mistral); a Unigram or WordPiece tokenizer is not a Llama tokenizer");
            }
            var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var entry in model.GetProperty("vocab").EnumerateObject())
            {
                vocabulary[entry.Name] = entry.Value.GetInt32();
            }
            var merges = new List<(string, string)>();
            foreach (var merge in model.GetProperty("merges").EnumerateArray())
            {
                merges.Add(ReadMerge(path, merge));
            }
            var added = new List<HfAddedToken>();
            if (root.TryGetProperty("added_tokens", out var addedTokens) && addedTokens.ValueKind == JsonValueKind.Array)
            {
                foreach (var a in addedTokens.EnumerateArray())
                {
                    added.Add(new HfAddedToken(a.GetProperty("id").GetInt32(), a.GetProperty("content").GetString()!,
                        a.TryGetProperty("special", out var s) && s.ValueKind == JsonValueKind.True));
                }
            }
            string? unknown = model.TryGetProperty("unk_token", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
            bool byteFallback = model.TryGetProperty("byte_fallback", out var b) && b.ValueKind == JsonValueKind.True;
            var texts = Flatten(root, "normalizer", "normalizers").Concat(Flatten(root, "pre_tokenizer", "pretokenizers")).ToList();
            bool metaspace = texts.Any(IsMetaspace);
            var split = texts.FirstOrDefault(e => TypeOf(e) == "Split" && e.TryGetProperty("pattern", out var p) && p.TryGetProperty("Regex", out _));
            bool byteLevel = texts.Any(e => TypeOf(e) == "ByteLevel");
            if (metaspace && byteFallback)
            {
                return new HfTokenizerJson(HfTokenizerDesign.SentencePieceBpe, vocabulary, merges, added, unknown, null);
            }
            if (byteLevel)
            {
                string? pattern = split.ValueKind == JsonValueKind.Object ? split.GetProperty("pattern").GetProperty("Regex").GetString() : null;
                return new HfTokenizerJson(HfTokenizerDesign.ByteLevelBpe, vocabulary, merges, added, unknown, pattern);
            }
            throw new CheckpointException(path,
                "is a BPE tokenizer of neither Llama design: expected '▁' whitespace escaping with byte fallback (Llama 1/2, Mistral) or a ByteLevel pre-tokenizer (Llama 3)");
        }
    }

    private static (string, string) ReadMerge(string path, JsonElement merge)
    {
        if (merge.ValueKind == JsonValueKind.String)
        {
            var text = merge.GetString()!;
            int space = text.IndexOf(' ', 1);
            if (space > 0)
            {
                return (text[..space], text[(space + 1)..]);
            }
        }
        else if (merge.ValueKind == JsonValueKind.Array && merge.GetArrayLength() == 2)
        {
            return (merge[0].GetString()!, merge[1].GetString()!);
        }
        throw new CheckpointException(path, $"has a merge that is neither \"left right\" nor [left, right]: {merge.GetRawText()}");
    }

    private static IEnumerable<JsonElement> Flatten(JsonElement root, string name, string listName)
    {
        if (!root.TryGetProperty(name, out var element) || element.ValueKind != JsonValueKind.Object)
        {
            return [];
        }
        return element.TryGetProperty(listName, out var list) && list.ValueKind == JsonValueKind.Array ? list.EnumerateArray().ToList() : [element];
    }

    private static string? TypeOf(JsonElement e) => e.TryGetProperty("type", out var t) ? t.GetString() : null;

    // SentencePiece's whitespace escaping, written either as a Metaspace pre-tokenizer or as a normalizer that
    // prepends '▁' and replaces ' ' with '▁'.
    private static bool IsMetaspace(JsonElement e) => TypeOf(e) switch
    {
        "Metaspace" => true,
        "Prepend" => e.TryGetProperty("prepend", out var p) && p.GetString() == "▁",
        "Replace" => e.TryGetProperty("content", out var c) && c.GetString() == "▁",
        _ => false,
    };
}
