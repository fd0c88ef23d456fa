using System.Text;

namespace FedOrleans.Models.Llm.Tokenization;

/// <summary>
/// Turns a byte-level BPE vocabulary (token strings over GPT-2's byte-to-character map) into tiktoken's
/// format, one "base64(bytes) rank" line per token, ranks = ids. For Llama 3, which was trained with
/// tiktoken and whose tokenizer.json sets <c>ignore_merges</c>, tiktoken's merge-by-rank gives the same
/// tokens as the merge list.
/// </summary>
public static class ByteLevelVocabulary
{
    /// <summary>Llama 3's split pattern (its tokenizer.json and the original tiktoken <c>tokenizer.model</c> use the same).</summary>
    public const string Llama3Pattern = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>GPT-2's split pattern, for byte-level tokenizers whose ByteLevel pre-tokenizer does its own split.</summary>
    public const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    private static readonly Dictionary<char, byte> CharToByte = BuildMap();

    /// <summary>The bytes a byte-level token string stands for; null if it has a character outside the map.</summary>
    public static byte[]? Bytes(string token)
    {
        var bytes = new byte[token.Length];
        for (int i = 0; i < token.Length; i++)
        {
            if (!CharToByte.TryGetValue(token[i], out bytes[i]))
            {
                return null;
            }
        }
        return bytes;
    }

    /// <summary>The vocabulary as a tiktoken file (UTF-8 text) for <c>TiktokenTokenizer.Create</c>.</summary>
    public static byte[] ToTiktoken(IReadOnlyDictionary<string, int> vocabulary, string source)
    {
        var text = new StringBuilder(vocabulary.Count * 16);
        foreach (var (token, id) in vocabulary.OrderBy(p => p.Value))
        {
            var bytes = Bytes(token) ?? throw new CheckpointException(source, $"token {id} ('{token}') has a character outside the byte-level map; is this a byte-level tokenizer?");
            text.Append(Convert.ToBase64String(bytes)).Append(' ').Append(id).Append('\n');
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    // GPT-2's bytes_to_unicode: printable Latin-1 bytes map to themselves, the other 68 bytes to U+0100 onwards.
    private static Dictionary<char, byte> BuildMap()
    {
        var map = new Dictionary<char, byte>();
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is >= '!' and <= '~' or >= '¡' and <= '¬' or >= '®' and <= 'ÿ';
            map[(char)(printable ? b : next++)] = (byte)b;
        }
        return map;
    }
}
