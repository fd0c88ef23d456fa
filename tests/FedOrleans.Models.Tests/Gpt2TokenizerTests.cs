using FedOrleans.Models.Llm;

namespace FedOrleans.Models.Tests;

public sealed class Gpt2TokenizerTests
{
    [Fact]
    public void Gpt2_bpe_encodes_known_ids_and_added_special_tokens_as_single_ids()
    {
        var tokenizer = Gpt2Tokenizer.Create(Gpt2Tokenizer.GemTokens(2));
        Assert.Equal(50259, tokenizer.VocabularySize);
        Assert.Equal(new[] { 50257, 50258 }, tokenizer.AddedTokenIds);
        // GPT-2's published ids: "Hello" 15496, " world" 995.
        Assert.Equal(new[] { 15496, 995 }, tokenizer.Encode("Hello world"));
        var ids = tokenizer.Encode("Call me Ishmael.<|gem_0|><|gem_1|><|endoftext|>");
        Assert.Equal(new[] { 50257, 50258, Gpt2Tokenizer.EndOfText }, ids[^3..]);
        Assert.Equal("Call me Ishmael.<|gem_0|><|gem_1|><|endoftext|>", tokenizer.Decode(ids));
        Assert.Throws<ArgumentException>(() => Gpt2Tokenizer.Create("<|x|>", "<|x|>"));
    }
}
