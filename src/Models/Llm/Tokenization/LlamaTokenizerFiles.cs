using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace FedOrleans.Models.Llm.Tokenization;

/// <summary>
/// Reads the tokenizer of a Hugging Face checkpoint folder, in this order: <c>tokenizer.json</c> (either Llama
/// design, see <see cref="HfTokenizerJson"/>), else <c>tokenizer.model</c> (a SentencePiece model, Llama 1/2, or
/// a tiktoken file, Llama 3's original release). <c>tokenizer_config.json</c>, where present, names the begin-
/// and end-of-text tokens and (for a bare tiktoken file) the special tokens. A folder with none of these files
/// has no tokenizer of its own: FedOrleans' own models use GPT-2 (<see cref="Gpt2Tokenizer"/>).
/// </summary>
public static class LlamaTokenizerFiles
{
    public const string SentencePieceOrTiktokenFileName = "tokenizer.model";
    public const string ConfigFileName = "tokenizer_config.json";

    /// <summary>Whether the folder ships a tokenizer (tokenizer.json or tokenizer.model).</summary>
    public static bool Exist(string folder) =>
        File.Exists(Path.Combine(folder, HfTokenizerJson.FileName)) || File.Exists(Path.Combine(folder, SentencePieceOrTiktokenFileName));

    /// <summary>The folder's tokenizer with <paramref name="addedTokens"/> after its vocabulary; <see cref="CheckpointException"/> when it has none or it cannot be read.</summary>
    public static LlamaFamilyTokenizer Load(string folder, IReadOnlyList<string>? addedTokens = null) => Read(folder).Create(addedTokens);

    /// <summary>
    /// Reads the folder's tokenizer files once: the result knows the vocabulary size before any tokenizer is built
    /// (so the GEM tokens of a checkpoint can be counted) and builds tokenizers with added tokens from what it read.
    /// </summary>
    public static LlamaTokenizerSource Read(string folder)
    {
        var json = Path.Combine(folder, HfTokenizerJson.FileName);
        var model = Path.Combine(folder, SentencePieceOrTiktokenFileName);
        var config = TokenizerConfig.Read(Path.Combine(folder, ConfigFileName));
        if (File.Exists(json))
        {
            return FromJson(HfTokenizerJson.Load(json), json, config);
        }
        if (File.Exists(model))
        {
            return IsTiktokenFile(model) ? FromTiktokenFile(model, config) : FromSentencePieceFile(model, config);
        }
        throw new CheckpointException(folder, $"has neither {HfTokenizerJson.FileName} nor {SentencePieceOrTiktokenFileName}; copy the checkpoint's tokenizer files next to its config.json");
    }

    private static LlamaTokenizerSource FromJson(HfTokenizerJson json, string source, TokenizerConfig config)
    {
        // Added tokens outside the BPE vocabulary (Llama 3's 256 special tokens, a chat model's <pad>) are matched whole.
        var specials = json.AddedTokens.Where(a => !json.Vocabulary.ContainsKey(a.Content)).ToDictionary(a => a.Content, a => a.Id, StringComparer.Ordinal);
        if (json.Design == HfTokenizerDesign.SentencePieceBpe)
        {
            var proto = SentencePieceModelWriter.Write(json);
            var known = new Dictionary<string, int>(json.Vocabulary, StringComparer.Ordinal);
            foreach (var (token, id) in specials)
            {
                known[token] = id;
            }
            int size = known.Values.Max() + 1;
            return new LlamaTokenizerSource(size, added => FromSentencePiece(proto, size, known, specials, config, added, source));
        }
        var ranks = ByteLevelVocabulary.ToTiktoken(json.Vocabulary, source);
        int tiktokenSize = json.Vocabulary.Values.Concat(specials.Values).Max() + 1;
        return new LlamaTokenizerSource(tiktokenSize, added =>
            FromTiktoken(ranks, tiktokenSize, specials, json.SplitPattern ?? ByteLevelVocabulary.Gpt2Pattern, config, added, source));
    }

    private static LlamaTokenizerSource FromSentencePieceFile(string path, TokenizerConfig config)
    {
        var bytes = File.ReadAllBytes(path);
        var pieces = SentencePiecePieces(bytes, path);
        int size = pieces.Values.Max() + 1;
        return new LlamaTokenizerSource(size, added => FromSentencePiece(bytes, size, pieces, new Dictionary<string, int>(), config, added, path));
    }

    private static LlamaFamilyTokenizer FromSentencePiece(byte[] proto, int size, IReadOnlyDictionary<string, int> pieces,
        IReadOnlyDictionary<string, int> extraSpecials, TokenizerConfig config, IReadOnlyList<string> addedTokens, string source)
    {
        var special = Added(addedTokens, size, pieces);
        foreach (var (token, id) in extraSpecials)
        {
            special[token] = id;
        }
        SentencePieceTokenizer tokenizer;
        try
        {
            using var stream = new MemoryStream(proto);
            tokenizer = LlamaTokenizer.Create(stream, addBeginOfSentence: false, addEndOfSentence: false, specialTokens: special.Count > 0 ? special : null);
        }
        catch (Exception e) when (e is Google.Protobuf.InvalidProtocolBufferException or ArgumentException or InvalidOperationException or IOException)
        {
            throw new CheckpointException(source, $"is not a SentencePiece model Microsoft.ML.Tokenizers can read ({e.Message})");
        }
        int bos = config.Id(config.BeginOfText, pieces) ?? tokenizer.BeginningOfSentenceId;
        int eos = config.Id(config.EndOfText, pieces) ?? tokenizer.EndOfSentenceId;
        return new LlamaFamilyTokenizer(tokenizer, HfTokenizerDesign.SentencePieceBpe, size, bos, eos, [.. addedTokens], source);
    }

    private static LlamaTokenizerSource FromTiktokenFile(string path, TokenizerConfig config)
    {
        var ranks = File.ReadAllBytes(path);
        int count = File.ReadLines(path).Count(l => l.Length > 0);
        var specials = config.AddedTokens.Count > 0 ? config.AddedTokens : Llama3SpecialTokens(count);
        int size = Math.Max(count, specials.Values.Append(-1).Max() + 1);
        return new LlamaTokenizerSource(size, added => FromTiktoken(ranks, size, specials, ByteLevelVocabulary.Llama3Pattern, config, added, path));
    }

    private static LlamaFamilyTokenizer FromTiktoken(byte[] ranks, int size, IReadOnlyDictionary<string, int> specials, string pattern, TokenizerConfig config,
        IReadOnlyList<string> addedTokens, string source)
    {
        var all = new Dictionary<string, int>(specials, StringComparer.Ordinal);
        foreach (var (token, id) in Added(addedTokens, size, specials))
        {
            all[token] = id;
        }
        TiktokenTokenizer tokenizer;
        try
        {
            using var stream = new MemoryStream(ranks);
            tokenizer = TiktokenTokenizer.Create(stream, new RegexPreTokenizer(new Regex(pattern, RegexOptions.Compiled), all), normalizer: null, all);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or IOException)
        {
            throw new CheckpointException(source, $"is not a tiktoken vocabulary Microsoft.ML.Tokenizers can read ({e.Message})");
        }
        int bos = config.Id(config.BeginOfText, all) ?? Fallback(all, "<|begin_of_text|>", source);
        int eos = config.Id(config.EndOfText, all) ?? Fallback(all, "<|end_of_text|>", source);
        return new LlamaFamilyTokenizer(tokenizer, HfTokenizerDesign.ByteLevelBpe, size, bos, eos, [.. addedTokens], source);
    }

    private static int Fallback(IReadOnlyDictionary<string, int> specials, string token, string source) =>
        specials.TryGetValue(token, out int id) ? id
            : throw new CheckpointException(source, $"has no {token} token and no {ConfigFileName} naming the begin/end-of-text tokens");

    // Added tokens take the ids after the vocabulary; one that is already a token of the vocabulary is refused.
    private static Dictionary<string, int> Added(IReadOnlyList<string> addedTokens, int size, IReadOnlyDictionary<string, int> existing)
    {
        var added = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < addedTokens.Count; i++)
        {
            if (string.IsNullOrEmpty(addedTokens[i]) || existing.ContainsKey(addedTokens[i]) || !added.TryAdd(addedTokens[i], size + i))
            {
                throw new ArgumentException($"added token {i} (\"{addedTokens[i]}\") is empty, a duplicate or already a token of the checkpoint's tokenizer");
            }
        }
        return added;
    }

    private static bool IsTiktokenFile(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        var first = reader.ReadLine();
        var parts = first?.Split(' ');
        return parts is { Length: 2 } && int.TryParse(parts[1], out _) && parts[0].All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=');
    }

    // Llama 3.0's special tokens after its 128,000 ranks (meta-llama's tokenizer.py).
    private static Dictionary<string, int> Llama3SpecialTokens(int ranks)
    {
        var names = new List<string> { "<|begin_of_text|>", "<|end_of_text|>" };
        names.AddRange(Enumerable.Range(0, 4).Select(i => $"<|reserved_special_token_{i}|>"));
        names.AddRange(["<|start_header_id|>", "<|end_header_id|>", "<|reserved_special_token_4|>", "<|eot_id|>"]);
        names.AddRange(Enumerable.Range(5, 256 - names.Count).Select(i => $"<|reserved_special_token_{i}|>"));
        return names.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => ranks + p.i, StringComparer.Ordinal);
    }

    // The piece strings of a SentencePiece ModelProto (field 1, each a message whose field 1 is the piece), by id.
    private static Dictionary<string, int> SentencePiecePieces(byte[] model, string source)
    {
        var pieces = new Dictionary<string, int>(StringComparer.Ordinal);
        int count = 0;
        try
        {
            var input = new Google.Protobuf.CodedInputStream(model);
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                if (Google.Protobuf.WireFormat.GetTagFieldNumber(tag) != 1)
                {
                    input.SkipLastField();
                    continue;
                }
                var piece = new Google.Protobuf.CodedInputStream(input.ReadBytes().ToByteArray());
                uint inner;
                string? text = null;
                while ((inner = piece.ReadTag()) != 0)
                {
                    if (Google.Protobuf.WireFormat.GetTagFieldNumber(inner) == 1)
                    {
                        text = piece.ReadString();
                    }
                    else
                    {
                        piece.SkipLastField();
                    }
                }
                pieces.TryAdd(text ?? "", count++);
            }
        }
        catch (Google.Protobuf.InvalidProtocolBufferException e)
        {
            throw new CheckpointException(source, $"is neither a SentencePiece model nor a tiktoken file ({e.Message})");
        }
        if (count == 0)
        {
            throw new CheckpointException(source, "is a SentencePiece model without pieces (an empty or truncated file?)");
        }
        return pieces;
    }
}
