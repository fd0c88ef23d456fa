using static TorchSharp.torch;

namespace FedOrleans.Models.Llm.Pretraining;

/// <summary>
/// Token batches from a token stream: training batches are windows of length + 1 tokens at random offsets
/// (inputs = the first <c>length</c>, targets = the same shifted by one); validation uses consecutive
/// non-overlapping windows, so every evaluation sees the same tokens.
/// </summary>
public static class TokenBatches
{
    /// <summary>A random training batch: inputs and targets, each <c>[batch, length]</c> int64.</summary>
    public static (Tensor Inputs, Tensor Targets) Sample(int[] tokens, int batch, int length, Random random, Device? device = null)
    {
        if (tokens.Length < length + 1)
        {
            throw new ArgumentException($"a stream of {tokens.Length} tokens is shorter than one window of {length + 1}");
        }
        var starts = Enumerable.Range(0, batch).Select(_ => random.Next(tokens.Length - length)).ToArray();
        return Gather(tokens, starts, length, device);
    }

    /// <summary>Consecutive windows from the start of the stream, in batches; at most <paramref name="maxBatches"/>.</summary>
    public static IEnumerable<(Tensor Inputs, Tensor Targets)> Sequential(int[] tokens, int batch, int length, int maxBatches, Device? device = null)
    {
        int windows = (tokens.Length - 1) / length;
        for (int b = 0; b < maxBatches && b * batch < windows; b++)
        {
            var starts = Enumerable.Range(b * batch, Math.Min(batch, windows - b * batch)).Select(w => w * length).ToArray();
            yield return Gather(tokens, starts, length, device);
        }
    }

    private static (Tensor, Tensor) Gather(int[] tokens, int[] starts, int length, Device? device)
    {
        var inputs = new long[starts.Length * length];
        var targets = new long[starts.Length * length];
        for (int r = 0; r < starts.Length; r++)
        {
            for (int i = 0; i < length; i++)
            {
                inputs[r * length + i] = tokens[starts[r] + i];
                targets[r * length + i] = tokens[starts[r] + i + 1];
            }
        }
        return (tensor(inputs, [starts.Length, length], device: device), tensor(targets, [starts.Length, length], device: device));
    }
}
