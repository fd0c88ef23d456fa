using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FedOrleans.Models.Data;
using FedOrleans.Models.Llm;
using FedOrleans.Models.Llm.Tokenization;

namespace FedOrleans.Models.Tests;

/// <summary>
/// The Llama-family tokenizers (Microsoft.ML.Tokenizers under <see cref="LlamaTokenizerFiles"/>) against Hugging
/// Face's own tokenizers library (Rust, through Tokenizers.DotNet) reading the same real tokenizer.json files:
/// Meta Llama 3's and a Llama-2-design SentencePiece tokenizer (Mistral 7B's vocabulary), on real English text.
/// </summary>
public sealed partial class LlamaTokenizerTests
{
    // Edge cases of whitespace, newlines, CJK, emoji (byte fallback) and long words, after llama-tokenizer-js's tests.
    private static readonly string[] EdgeCases =
    [
        "grabbed", " grabbed", "           grabbed", "\n", " \n", "\ttabs\t\t\t\tout here", "ax\n####\nboo", "镇", "🦙", "🦙Ꙋ", "Ꙋ🦙",
        "This is a test sentence.", "I'm   don't  WE'LL 12345 x\r\n\r\ny", "naïve café — “quotes” ½ ×", "  leading and trailing  ",
    ];

    [Fact]
    public async Task Llama3_tokenizer_json_gives_the_ids_of_hugging_face_tokenizers_on_real_text()
    {
        var (ours, reference) = await WithReferenceAsync(DatasetName.Llama3Tokenizer);
        using var _ = reference;
        Assert.Equal((HfTokenizerDesign.ByteLevelBpe, 128_256, (int?)128_000, 128_001), (ours.Design, ours.VocabularySize, ours.BeginOfTextId, ours.EndOfTextId));

        var texts = await TextsAsync();
        int tokens = 0;
        foreach (var text in texts)
        {
            var expected = Reference(reference, text, ours.BeginOfTextId);
            var actual = ours.Encode(text);
            Assert.True(expected.SequenceEqual(actual), $"ids differ for: {Shorten(text)}");
            Assert.Equal(text, ours.Decode(actual));
            tokens += actual.Length;
        }
        Assert.True(tokens > 100_000, $"only {tokens} tokens compared");
    }

    [Fact]
    public async Task Llama3_gives_the_ids_meta_tokenizer_gives()
    {
        // Expected ids as published by npm llama3-tokenizer-js 1.2.0 (its tests, made with Meta's tiktoken tokenizer).
        var ours = LlamaTokenizerFiles.Load(await FolderAsync(DatasetName.Llama3Tokenizer));
        Assert.Equal([59312, 2788], ours.Encode("grabbed"));
        Assert.Equal([30418], ours.Encode(" grabbed"));
        Assert.Equal([1881, 30418], ours.Encode("           grabbed"));
        Assert.Equal([720], ours.Encode(" \n"));
        Assert.Equal([3324, 3518, 573, 14294, 1618], ours.Encode("\ttabs\t\t\t\tout here"));
        Assert.Equal([710, 198, 71050, 34093], ours.Encode("ax\n####\nboo"));
        Assert.Equal([104643], ours.Encode("镇"));
        Assert.Equal([9468, 99, 247, 166, 247, 232], ours.Encode("🦙Ꙋ"));
        Assert.Equal([2028, 374, 264, 1296, 11914, 13], ours.Encode("This is a test sentence."));
        Assert.Equal([128006, 2028, 1495, 128007, 128009], ours.Encode("<|start_header_id|>This text<|end_header_id|><|eot_id|>"));
    }

    [Fact]
    public async Task SentencePiece_tokenizer_matches_hugging_face_except_the_order_of_merges_inside_runs_of_one_character()
    {
        var (ours, reference) = await WithReferenceAsync(DatasetName.MistralTokenizer);
        using var _ = reference;
        Assert.Equal((HfTokenizerDesign.SentencePieceBpe, 32_000, (int?)1, 2), (ours.Design, ours.VocabularySize, ours.BeginOfTextId, ours.EndOfTextId));

        var texts = await TextsAsync();
        var differing = new List<string>();
        foreach (var text in texts)
        {
            var expected = Reference(reference, text, ours.BeginOfTextId);
            var actual = ours.Encode(text);
            if (!expected.SequenceEqual(actual))
            {
                // Microsoft.ML.Tokenizers 2.0.1 merges the rightmost of equal-score pairs first, SentencePiece and
                // Hugging Face the leftmost: "ooo" becomes "o"+"oo" instead of "oo"+"o". Same count, same text.
                Assert.Equal(expected.Length, actual.Length);
                Assert.Equal(ours.Decode(expected), ours.Decode(actual));
                Assert.Matches(RunOfOneCharacter(), text);
                differing.Add(text);
            }
            Assert.Equal(text, ours.Decode(actual));
        }
        Assert.True(differing.Count <= texts.Count / 200, $"{differing.Count} of {texts.Count} texts differ: {string.Join(" | ", differing.Take(3).Select(Shorten))}");
        Assert.Equal([415, 8814, 2786, 28705], ours.Encode("The llama ")[..4]);
    }

    [Fact]
    public async Task A_tokenizer_model_file_loads_like_the_tokenizer_json_it_came_from()
    {
        using var temp = new TempFolder();
        var mistral = LlamaTokenizerFiles.Load(await FolderAsync(DatasetName.MistralTokenizer));
        var llama3 = LlamaTokenizerFiles.Load(await FolderAsync(DatasetName.Llama3Tokenizer));
        var sentencePieceFolder = Directory.CreateDirectory(Path.Combine(temp.Path, "sp")).FullName;
        File.WriteAllBytes(Path.Combine(sentencePieceFolder, LlamaTokenizerFiles.SentencePieceOrTiktokenFileName),
            SentencePieceModelWriter.Write(HfTokenizerJson.Load(Path.Combine(await FolderAsync(DatasetName.MistralTokenizer), HfTokenizerJson.FileName))));
        var tiktokenFolder = Directory.CreateDirectory(Path.Combine(temp.Path, "tiktoken")).FullName;
        var llama3Json = HfTokenizerJson.Load(Path.Combine(await FolderAsync(DatasetName.Llama3Tokenizer), HfTokenizerJson.FileName));
        File.WriteAllBytes(Path.Combine(tiktokenFolder, LlamaTokenizerFiles.SentencePieceOrTiktokenFileName), ByteLevelVocabulary.ToTiktoken(llama3Json.Vocabulary, "llama3"));

        var fromModel = LlamaTokenizerFiles.Load(sentencePieceFolder);
        var fromTiktoken = LlamaTokenizerFiles.Load(tiktokenFolder);
        Assert.Equal((32_000, 1, 2), (fromModel.VocabularySize, fromModel.BeginOfTextId, fromModel.EndOfTextId));
        Assert.Equal((128_256, 128_000, 128_001), (fromTiktoken.VocabularySize, fromTiktoken.BeginOfTextId, fromTiktoken.EndOfTextId));
        foreach (var text in EdgeCases.Concat((await TextsAsync()).Take(200)))
        {
            Assert.Equal(mistral.Encode(text), fromModel.Encode(text));
            Assert.Equal(llama3.Encode(text), fromTiktoken.Encode(text));
        }
    }

    [Fact]
    public async Task Added_tokens_take_the_ids_after_the_vocabulary_and_encode_as_one_id()
    {
        foreach (var (name, size) in new[] { (DatasetName.MistralTokenizer, 32_000), (DatasetName.Llama3Tokenizer, 128_256) })
        {
            var folder = await FolderAsync(name);
            var tokenizer = LlamaTokenizerFiles.Load(folder, Gpt2Tokenizer.GemTokens(2));
            Assert.Equal(size + 2, tokenizer.VocabularySize);
            Assert.Equal([size, size + 1], tokenizer.AddedTokenIds);
            var plain = LlamaTokenizerFiles.Load(folder).Encode("Call me Ishmael.");
            var ids = tokenizer.Encode("Call me Ishmael.<|gem_0|><|gem_1|>");
            Assert.Equal([.. plain, size, size + 1], ids);
            Assert.Equal("Call me Ishmael.<|gem_0|><|gem_1|>", tokenizer.Decode(ids));
            var taken = name == DatasetName.MistralTokenizer ? "<s>" : "<|begin_of_text|>";
            var error = Assert.Throws<ArgumentException>(() => LlamaTokenizerFiles.Load(folder, [taken]));
            Assert.Contains("already a token", error.Message);
        }
    }

    [Fact]
    public async Task An_added_token_outside_the_vocabulary_is_one_id_and_gem_tokens_follow_it()
    {
        // A chat model's tokenizer.json often adds <pad> after the 32,000 pieces (its config's vocab_size is then 32,001).
        using var temp = new TempFolder();
        var json = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(await FolderAsync(DatasetName.MistralTokenizer), HfTokenizerJson.FileName)))!;
        json["added_tokens"]!.AsArray().Add(new JsonObject { ["id"] = 32_000, ["content"] = "<pad>", ["special"] = true });
        await File.WriteAllTextAsync(Path.Combine(temp.Path, HfTokenizerJson.FileName), json.ToJsonString());

        var tokenizer = LlamaTokenizerFiles.Load(temp.Path, Gpt2Tokenizer.GemTokens(1));
        Assert.Equal(32_002, tokenizer.VocabularySize);
        Assert.Equal([32_001], tokenizer.AddedTokenIds);
        var ids = tokenizer.Encode("Call me<pad><|gem_0|>");
        Assert.Equal([32_000, 32_001], ids[^2..]);
    }

    [Fact]
    public async Task Bad_tokenizer_files_are_refused_with_the_file_and_the_reason()
    {
        using var temp = new TempFolder();
        var none = Assert.Throws<CheckpointException>(() => LlamaTokenizerFiles.Load(temp.Path));
        Assert.Contains("neither tokenizer.json nor tokenizer.model", none.Message);

        var json = Path.Combine(temp.Path, HfTokenizerJson.FileName);
        var real = await File.ReadAllTextAsync(Path.Combine(await FolderAsync(DatasetName.MistralTokenizer), HfTokenizerJson.FileName));
        await File.WriteAllTextAsync(json, real[..(real.Length / 2)]);
        var truncated = Assert.Throws<CheckpointException>(() => LlamaTokenizerFiles.Load(temp.Path));
        Assert.Equal(json, truncated.FilePath);
        Assert.Contains("not valid JSON", truncated.Message);

        await File.WriteAllTextAsync(json, """{"model": {"type": "Unigram", "vocab": []}}""");
        Assert.Contains("Unigram", Assert.Throws<CheckpointException>(() => LlamaTokenizerFiles.Load(temp.Path)).Message);

        File.Delete(json);
        var model = Path.Combine(temp.Path, LlamaTokenizerFiles.SentencePieceOrTiktokenFileName);
        await File.WriteAllBytesAsync(model, [0x0A, 0xFF, 0xFF, 0x0F, 0x01]);
        var corrupt = Assert.Throws<CheckpointException>(() => LlamaTokenizerFiles.Load(temp.Path));
        Assert.Equal(model, corrupt.FilePath);
    }

    // Ours and Hugging Face's tokenizers library on the same tokenizer.json.
    private static async Task<(LlamaFamilyTokenizer Ours, Tokenizers.DotNet.Tokenizer Reference)> WithReferenceAsync(DatasetName name)
    {
        var folder = await FolderAsync(name);
        return (LlamaTokenizerFiles.Load(folder), new Tokenizers.DotNet.Tokenizer(vocabPath: Path.Combine(folder, HfTokenizerJson.FileName)));
    }

    private static async Task<string> FolderAsync(DatasetName name)
    {
        await TestData.EnsureAsync(name);
        return TokenizerPackages.Folder(name, TestData.Cache);
    }

    // Real English: the edge cases, the first 60 Brown samples (one paragraph each line) and 20 State of the Union addresses, by paragraph.
    private static async Task<IReadOnlyList<string>> TextsAsync()
    {
        await TestData.EnsureAsync(DatasetName.BrownCorpus);
        await TestData.EnsureAsync(DatasetName.StateOfTheUnion);
        var documents = TextCorpus.Load(DatasetName.BrownCorpus, TestData.Cache).Take(60)
            .Concat(TextCorpus.Load(DatasetName.StateOfTheUnion, TestData.Cache).Take(20));
        return [.. EdgeCases, .. documents.SelectMany(d => d.Text.Split('\n')).Where(p => p.Length > 0)];
    }

    private static int[] Reference(Tokenizers.DotNet.Tokenizer reference, string text, int? beginOfText)
    {
        var ids = reference.Encode(text).Select(i => (int)i).ToArray();
        return ids.Length > 0 && ids[0] == beginOfText ? ids[1..] : ids;  // the Llama 2 template puts <s> first; Encode adds none
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "...";

    [GeneratedRegex(@"(.)\1\1")]
    private static partial Regex RunOfOneCharacter();
}
