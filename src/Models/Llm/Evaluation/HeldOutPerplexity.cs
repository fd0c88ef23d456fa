using FedOrleans.Models.Llm.Pretraining;
using FedOrleans.Models.Torch;
using static TorchSharp.torch;

namespace FedOrleans.Models.Llm.Evaluation;

/// <summary>
/// Next-token perplexity on plain held-out text (no special tokens, causal mask): the generation-retention
/// measure of papers.md 5.1, compared before and after GEM. The stream is cut into consecutive windows of
/// <c>length + 1</c> tokens (the same windows as the pre-training validation), at most
/// <c>maxBatches</c> batches of <c>batch</c> windows.
/// </summary>
public static class HeldOutPerplexity
{
    public static (double Perplexity, long Tokens) Measure(LlamaForCausalLM model, int[] tokens, int length = 128, int batch = 8, int maxBatches = 16)
    {
        var (loss, count) = MeanLoss(model, tokens, length, batch, maxBatches);
        return (Math.Exp(loss), count);
    }

    /// <summary>Mean next-token cross-entropy (nats per token) over those windows, and how many tokens it covers.</summary>
    public static (double MeanLoss, long Tokens) MeanLoss(LlamaForCausalLM model, int[] tokens, int length, int batch, int maxBatches)
    {
        TorchRuntime.EnsureThreadConfigured();
        model.eval();
        var device = model.parameters().First().device;
        using var noGrad = no_grad();
        double total = 0;
        long count = 0;
        foreach (var (inputs, targets) in TokenBatches.Sequential(tokens, batch, length, maxBatches, device))
        {
            using var scope = NewDisposeScope();
            var logits = model.call(inputs, null);
            var sum = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), targets.reshape(-1), reduction: nn.Reduction.Sum);
            total += sum.item<float>();
            count += targets.numel();
            inputs.Dispose();
            targets.Dispose();
        }
        if (count == 0)
        {
            throw new ArgumentException($"the held-out (validation) stream ({tokens.Length} tokens) is shorter than one window of {length + 1}");
        }
        return (total / count, count);
    }
}
