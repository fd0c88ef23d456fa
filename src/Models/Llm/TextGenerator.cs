using FedOrleans.Models.Torch;
using static TorchSharp.torch;

namespace FedOrleans.Models.Llm;

/// <summary>
/// Autoregressive decoding with a <see cref="LlamaForCausalLM"/> (greedy, temperature, top-k). Each new token
/// reruns the model on the context (no key/value cache: meant for the small models trained here); contexts
/// longer than <see cref="LlamaConfig.MaxPositionEmbeddings"/> keep their most recent tokens.
/// </summary>
public static class TextGenerator
{
    /// <summary>The generated tokens (without the prompt).</summary>
    public static int[] Generate(LlamaForCausalLM model, IReadOnlyList<int> prompt, GenerationSettings settings)
    {
        settings.Validate();
        if (prompt.Count == 0)
        {
            throw new ArgumentException("generation needs a prompt of at least one token");
        }
        TorchRuntime.EnsureThreadConfigured();
        model.eval();
        var device = model.parameters().First().device;
        var random = new Random(settings.Seed);
        var context = new List<int>(prompt);
        var generated = new List<int>();
        using var noGrad = no_grad();
        for (int n = 0; n < settings.MaxNewTokens; n++)
        {
            using var scope = NewDisposeScope();
            var window = context.Skip(Math.Max(0, context.Count - model.Config.MaxPositionEmbeddings)).Select(t => (long)t).ToArray();
            var logits = model.call(tensor(window, [1, window.Length], device: device), null);
            var last = logits[0, window.Length - 1].to_type(ScalarType.Float32).cpu().data<float>().ToArray();
            int next = Choose(last, settings, random);
            generated.Add(next);
            context.Add(next);
            if (next == settings.StopToken)
            {
                break;
            }
        }
        return [.. generated];
    }

    /// <summary>Greedy argmax at temperature 0; otherwise a sample from softmax(logits / T) over the top k.</summary>
    public static int Choose(float[] logits, GenerationSettings settings, Random random)
    {
        if (settings.Temperature == 0)
        {
            int best = 0;
            for (int i = 1; i < logits.Length; i++)
            {
                if (logits[i] > logits[best])
                {
                    best = i;
                }
            }
            return best;
        }
        var candidates = Enumerable.Range(0, logits.Length).OrderByDescending(i => logits[i]).ThenBy(i => i);
        var kept = (settings.TopK > 0 ? candidates.Take(settings.TopK) : candidates).ToArray();
        double max = logits[kept[0]];
        var weights = kept.Select(i => Math.Exp((logits[i] - max) / settings.Temperature)).ToArray();
        double u = random.NextDouble() * weights.Sum();
        for (int i = 0; i < kept.Length; i++)
        {
            u -= weights[i];
            if (u < 0)
            {
                return kept[i];
            }
        }
        return kept[^1];
    }
}
