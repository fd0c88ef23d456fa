using System.Text.Json;
using FedOrleans.Models.Llm;
using FedOrleans.Models.Llm.Gem;
using FedOrleans.Models.Torch;
using static TorchSharp.torch;

namespace FedOrleans.Models.Tests;

/// <summary>
/// The Llama implementation and the safetensors loader against Hugging Face transformers 5.17 itself:
/// shared/data/hf/tiny-llama holds a randomly initialised LlamaForCausalLM and the logits and last hidden
/// states transformers computed for two inputs, with the causal mask and with a GEM mask.
/// </summary>
public sealed class LlamaFixtureTests
{
    private const double Tolerance = 1e-4;

    private const string Fixture = "data/hf/tiny-llama/model.safetensors";

    private static string Folder => System.IO.Path.GetDirectoryName(SharedFiles.Path(Fixture))!;

    [Fact]
    public void Config_reads_the_transformers_5_spelling_of_rope_theta()
    {
        var config = LlamaConfig.Load(Folder);
        Assert.Equal(new LlamaConfig(512, 64, 172, 2, 4, 2, 16, 10000.0, 1e-5, 256, false, null, 1, 2), config);
    }

    [Theory]
    [InlineData("causal")]
    [InlineData("gem")]
    public void Logits_and_last_hidden_states_match_transformers(string input)
    {
        TorchRuntime.EnsureThreadConfigured();
        using var scope = NewDisposeScope();
        using var model = LlamaCheckpoint.Load(Folder);
        model.eval();
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "expected.json")));
        var section = expected.RootElement.GetProperty(input);
        var ids = Ints2(section.GetProperty("input_ids"));
        Tensor? mask = null;
        if (input == "gem")
        {
            int prefix = section.GetProperty("prefix_len").GetInt32();
            int special = section.GetProperty("special_count").GetInt32();
            int suffix = ids[0].Length - prefix - special;
            var allowed = GemMask.Allowed(prefix, special, suffix);
            var reference = Ints2(section.GetProperty("allowed"));
            for (int i = 0; i < reference.Length; i++)
            {
                for (int j = 0; j < reference[i].Length; j++)
                {
                    Assert.True(allowed[i, j] == (reference[i][j] == 1), $"mask [{i}, {j}]: GemMask {allowed[i, j]}, transformers {reference[i][j]}");
                }
            }
            var rows = ids.Select(row => GemRow.Create(row[..prefix], row[prefix..(prefix + special)], row[(prefix + special)..])).ToList();
            mask = GemMask.Batch(rows, ids[0].Length);
        }
        using var noGrad = no_grad();
        var inputIds = tensor(ids.SelectMany(r => r).Select(v => (long)v).ToArray(), [ids.Length, ids[0].Length]);
        var hidden = model.HiddenStates(inputIds, mask);
        var logits = model.Head(hidden);
        double hiddenDiff = MaxAbsDiff(hidden, section.GetProperty("last_hidden"));
        double logitDiff = MaxAbsDiff(logits, section.GetProperty("logits"));
        Assert.True(hiddenDiff < Tolerance, $"{input}: last hidden states differ by up to {hiddenDiff:E3}");
        Assert.True(logitDiff < Tolerance, $"{input}: logits differ by up to {logitDiff:E3}");
        Console.WriteLine($"tiny-llama {input}: max |diff| logits {logitDiff:E3}, last hidden {hiddenDiff:E3}");
    }

    private static int[][] Ints2(JsonElement element) =>
        element.EnumerateArray().Select(row => row.EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToArray();

    private static double MaxAbsDiff(Tensor actual, JsonElement expected)
    {
        var values = actual.contiguous().data<float>().ToArray();
        int k = 0;
        double max = 0;
        foreach (var a in expected.EnumerateArray())
        {
            foreach (var b in a.EnumerateArray())
            {
                foreach (var v in b.EnumerateArray())
                {
                    max = Math.Max(max, Math.Abs(values[k++] - v.GetDouble()));
                }
            }
        }
        Assert.Equal(values.Length, k);
        return max;
    }
}
