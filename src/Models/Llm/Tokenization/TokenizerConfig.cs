using System.Text.Json;

namespace FedOrleans.Models.Llm.Tokenization;

/// <summary>What FedOrleans reads from a checkpoint's <c>tokenizer_config.json</c>: the begin- and end-of-text tokens and the special tokens by id.</summary>
internal sealed record TokenizerConfig(string? BeginOfText, string? EndOfText, IReadOnlyDictionary<string, int> AddedTokens)
{
    private static readonly TokenizerConfig None = new(null, null, new Dictionary<string, int>());

    /// <summary>The file's settings, or none when it does not exist; a file that is not JSON is an error naming it.</summary>
    public static TokenizerConfig Read(string path)
    {
        if (!File.Exists(path))
        {
            return None;
        }
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            var added = new Dictionary<string, int>(StringComparer.Ordinal);
            if (root.TryGetProperty("added_tokens_decoder", out var decoder) && decoder.ValueKind == JsonValueKind.Object)
            {
                foreach (var entry in decoder.EnumerateObject())
                {
                    if (int.TryParse(entry.Name, out int id) && entry.Value.TryGetProperty("content", out var content) && content.GetString() is { } text)
                    {
                        added[text] = id;
                    }
                }
            }
            return new TokenizerConfig(Token(root, "bos_token"), Token(root, "eos_token"), added);
        }
        catch (JsonException e)
        {
            throw new CheckpointException(path, $"is not valid JSON ({e.Message})");
        }
    }

    /// <summary>The id of <paramref name="token"/> in <paramref name="vocabulary"/> or among the added tokens; null when it is not named or not found.</summary>
    public int? Id(string? token, IReadOnlyDictionary<string, int> vocabulary) =>
        token is null ? null
            : vocabulary.TryGetValue(token, out int id) ? id
            : AddedTokens.TryGetValue(token, out id) ? id
            : null;

    // "bos_token": "<s>" or {"content": "<s>", ...}
    private static string? Token(JsonElement root, string name) =>
        !root.TryGetProperty(name, out var value) ? null
            : value.ValueKind == JsonValueKind.String ? value.GetString()
            : value.ValueKind == JsonValueKind.Object && value.TryGetProperty("content", out var content) ? content.GetString()
            : null;
}
