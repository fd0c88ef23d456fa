using FedOrleans.Models.Data;
using FedOrleans.Models.Jobs;
using FedOrleans.Models.Llm;
using FedOrleans.Models.Llm.Gem;
using FedOrleans.Models.Llm.Tokenization;

namespace FedOrleans.Models.Tests;

/// <summary>
/// A Llama-family checkpoint (a nano model with a real 32,000-piece SentencePiece tokenizer beside its config)
/// through the jobs' code: GEM fine-tuning grows the vocabulary after the tokenizer's, the result carries the
/// tokenizer files, and embedding and generation read it with that tokenizer, begin-of-text token first.
/// </summary>
public sealed class LlamaTokenizerJobTests
{
    [Fact]
    public async Task A_llama_checkpoint_is_gem_tuned_embedded_and_generated_with_its_own_tokenizer()
    {
        using var temp = new TempFolder();
        await TestData.EnsureAsync(DatasetName.MistralTokenizer);
        await TestData.EnsureAsync(DatasetName.MobyDick);
        var tokenizerFolder = TokenizerPackages.Folder(DatasetName.MistralTokenizer, TestData.Cache);
        var baseFolder = Path.Combine(temp.Path, "base");
        SaveRandomModel(baseFolder, 32_000);
        CheckpointTokenizers.CopyFiles(tokenizerFolder, baseFolder);

        var output = Path.Combine(temp.Path, "gem");
        var settings = new GemJobSettings(baseFolder, [DatasetName.MobyDick],
            new GemSettings(SpecialTokenCount: 2, MaxLength: 64, NtpIterations: 2, TotalIterations: 4), BatchSize: 4, TextTokens: 24);
        using (var runner = new GemJobRunner(settings, seed: 1, TestData.Cache, resumeFrom: null))
        {
            while (runner.Step < runner.TotalSteps)
            {
                Assert.True(double.IsFinite(runner.Advance().Loss));
            }
            runner.SaveCheckpoint(output);
        }
        Assert.True(File.Exists(Path.Combine(output, HfTokenizerJson.FileName)), "the GEM checkpoint carries its base's tokenizer");

        using (var model = CheckpointInference.Load(output, out var tokenizer))
        {
            Assert.IsType<LlamaFamilyTokenizer>(tokenizer);
            Assert.Equal(32_002, model.Config.VocabSize);
            Assert.Equal([32_000, 32_001], tokenizer.AddedTokenIds);
        }
        var vectors = CheckpointInference.Embed(output, ["Call me Ishmael.", "It was the best of times."], EmbeddingMethod.Gem);
        Assert.Equal(2, vectors.Length);
        Assert.NotEqual(vectors[0], vectors[1]);
        var generated = CheckpointInference.Generate(output, "Call me", new GenerationSettings(MaxNewTokens: 6));
        Assert.DoesNotContain("<|gem_", generated);
        Assert.DoesNotContain("<s>", generated);
    }

    [Fact]
    public void Gem_rows_start_with_the_begin_of_text_token_and_prefix_dropout_keeps_it()
    {
        var collator = new GemCollator([32_000, 32_001], new GemSettings(SpecialTokenCount: 2, MaxLength: 64, PrefixDropout: 0.99), beginOfText: 1);
        Assert.Equal([1, 100, 200, 32_000, 32_001], collator.Embedding([100, 200]).InputIds);
        var random = new Random(3);
        // Reconstruction format: <s> x [S_1 S_2] x; the suffix has no second <s>.
        var row = collator.WithSpecialTokens([100, 200, 300], random);
        Assert.Equal([1, 100, 200, 300, 32_000, 32_001, 100, 200, 300], row.InputIds);
        Assert.Equal(4, row.PrefixLength);
        var dropped = collator.DropPrefix([1, 100, 200, 300], random);
        Assert.Equal(1, dropped[0]);
        Assert.InRange(dropped.Length, 2, 4);
    }

    [Fact]
    public async Task A_base_whose_vocabulary_is_not_its_tokenizers_is_refused_with_both_sizes()
    {
        using var temp = new TempFolder();
        await TestData.EnsureAsync(DatasetName.MistralTokenizer);
        await TestData.EnsureAsync(DatasetName.MobyDick);
        var baseFolder = Path.Combine(temp.Path, "base");
        SaveRandomModel(baseFolder, 512);
        CheckpointTokenizers.CopyFiles(TokenizerPackages.Folder(DatasetName.MistralTokenizer, TestData.Cache), baseFolder);
        var settings = new GemJobSettings(baseFolder, [DatasetName.MobyDick], new GemSettings(SpecialTokenCount: 1, MaxLength: 64), BatchSize: 4, TextTokens: 24);
        var error = Assert.Throws<ArgumentException>(() => new GemJobRunner(settings, seed: 1, TestData.Cache, resumeFrom: null));
        Assert.Contains("512", error.Message);
        Assert.Contains("32000", error.Message);
        var inference = Assert.Throws<CheckpointException>(() => CheckpointInference.Load(baseFolder, out _));
        Assert.Contains("fewer than its tokenizer's 32000", inference.Message);
    }

    private static void SaveRandomModel(string folder, int vocabulary)
    {
        using var model = new LlamaForCausalLM(LlamaConfig.FromPreset(LlamaPreset.Nano, vocabulary));
        model.Initialize(7);
        LlamaCheckpoint.Save(model, folder);
    }
}
