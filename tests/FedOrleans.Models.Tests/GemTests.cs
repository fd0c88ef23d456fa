using FedOrleans.Models.Llm;
using FedOrleans.Models.Llm.Gem;
using FedOrleans.Models.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace FedOrleans.Models.Tests;

public sealed class GemTests
{
    private const int Vocab = 512;

    [Fact]
    public void Mask_for_two_prefix_two_special_two_suffix_tokens_is_the_papers_pattern()
    {
        // papers.md 1.4: prefix causal; each special token sees the whole prefix and itself only;
        // suffix tokens see every special token and the suffix causally, never the prefix.
        int[,] expected =
        {
            { 1, 0, 0, 0, 0, 0 },
            { 1, 1, 0, 0, 0, 0 },
            { 1, 1, 1, 0, 0, 0 },
            { 1, 1, 0, 1, 0, 0 },
            { 0, 0, 1, 1, 1, 0 },
            { 0, 0, 1, 1, 1, 1 },
        };
        var allowed = GemMask.Allowed(2, 2, 2);
        for (int i = 0; i < 6; i++)
        {
            for (int j = 0; j < 6; j++)
            {
                Assert.True(allowed[i, j] == (expected[i, j] == 1), $"[{i}, {j}]");
            }
        }
    }

    [Theory]
    [InlineData(0, 1, 3)]
    [InlineData(3, 1, 0)]
    [InlineData(4, 1, 5)]
    [InlineData(3, 3, 2)]
    [InlineData(5, 0, 0)]
    public void Mask_follows_the_rules_for_small_sizes(int m, int k, int n)
    {
        var allowed = GemMask.Allowed(m, k, n);
        int t = m + k + n;
        for (int i = 0; i < t; i++)
        {
            for (int j = 0; j < t; j++)
            {
                bool rule = j <= i
                    && !(i >= m + k && j < m)
                    && !(i >= m && i < m + k && j >= m && j < m + k && i != j);
                Assert.True(allowed[i, j] == rule, $"m={m} k={k} n={n} [{i}, {j}]");
            }
        }
        if (k == 0)
        {
            Assert.Equal(AttentionMask.Causal(t).data<bool>().ToArray(), allowed.Cast<bool>().ToArray());
        }
    }

    [Fact]
    public void Special_token_state_does_not_change_when_the_suffix_changes()
    {
        TorchRuntime.EnsureThreadConfigured();
        using var scope = NewDisposeScope();
        using var model = NanoModel(out var specials, 2);
        model.eval();
        int[] prefix = [11, 12, 13, 14, 15];
        using var noGrad = no_grad();
        var reference = States(model, prefix, specials, [20, 21, 22, 23]);
        var sameLength = States(model, prefix, specials, [300, 7, 99, 4]);
        var longer = States(model, prefix, specials, [5, 6, 7, 8, 9, 10, 400]);
        var noSuffix = States(model, prefix, specials, []);
        int p = prefix.Length;
        for (int position = 0; position < p + specials.Length; position++)
        {
            Assert.Equal(reference[position], sameLength[position]);
            Assert.True(MaxDiff(reference[position], longer[position]) < 1e-6, $"position {position} vs a longer suffix");
            Assert.True(MaxDiff(reference[position], noSuffix[position]) < 1e-6, $"position {position} vs no suffix");
        }
        Assert.True(MaxDiff(reference[p + specials.Length + 1], sameLength[p + specials.Length + 1]) > 1e-3, "the suffix itself must change");
    }

    [Theory]
    [InlineData(GemFormat.Reconstruction, 1)]
    [InlineData(GemFormat.RandomSplit, 1)]
    [InlineData(GemFormat.RandomSplit, 3)]
    public void Labels_never_target_special_tokens(GemFormat format, int k)
    {
        var specials = Enumerable.Range(Vocab, k).ToArray();
        var collator = new GemCollator(specials, new GemSettings(SpecialTokenCount: k, Format: format, MaxLength: 40, PlainProbability: 0.5));
        var random = new Random(1);
        int specialRows = 0;
        for (int n = 0; n < 200; n++)
        {
            var text = Enumerable.Range(0, random.Next(1, 30)).Select(_ => random.Next(Vocab)).ToArray();
            var row = collator.Mixed(text, random);
            Assert.True(row.Length <= 40);
            Assert.DoesNotContain(row.Targets, t => specials.Contains(t));
            for (int i = 0; i < row.Length; i++)
            {
                bool nextIsSpecial = i + 1 >= row.PrefixLength && i + 1 < row.PrefixLength + row.SpecialCount;
                int expected = i + 1 < row.Length && !nextIsSpecial ? row.InputIds[i + 1] : GemRow.IgnoreIndex;
                Assert.Equal(expected, row.Targets[i]);
            }
            if (!row.IsPlain)
            {
                specialRows++;
                Assert.Equal(specials, row.InputIds[row.PrefixLength..(row.PrefixLength + k)]);
                Assert.True(row.PrefixLength >= 1 && row.SuffixLength >= 1);
                if (format == GemFormat.Reconstruction)
                {
                    Assert.Equal(row.InputIds[..row.PrefixLength], row.InputIds[(row.PrefixLength + k)..]);
                }
                else
                {
                    Assert.Equal(text, row.InputIds[..row.PrefixLength].Concat(row.InputIds[(row.PrefixLength + k)..]));
                }
            }
        }
        Assert.InRange(specialRows, 60, 140);
    }

    [Fact]
    public void With_p_one_the_loss_equals_plain_next_token_loss()
    {
        TorchRuntime.EnsureThreadConfigured();
        using var scope = NewDisposeScope();
        using var model = NanoModel(out var specials, 1);
        var random = new Random(3);
        var texts = Enumerable.Range(0, 4).Select(_ => Enumerable.Range(0, 10).Select(_ => random.Next(Vocab)).ToArray()).ToList();
        var ids = tensor(texts.SelectMany(t => t).Select(v => (long)v).ToArray(), [4, 10]);
        double plain;
        using (no_grad())
        {
            var logits = model.call(ids, null);
            plain = nn.functional.cross_entropy(
                logits.narrow(1, 0, 9).reshape(-1, logits.shape[^1]), ids.narrow(1, 1, 9).reshape(-1)).item<float>();
        }
        using var trainer = new GemTrainer(model, specials, new GemSettings(PlainProbability: 1.0, NtpIterations: 5, TotalIterations: 10), seed: 9);
        var step = trainer.Step(texts);
        Assert.Equal(0.0, step.Alpha);
        Assert.Null(step.ContrastiveLoss);
        Assert.Equal(plain, step.NtpLoss!.Value, 5);
        Assert.Equal(plain, step.Loss, 5);
    }

    [Fact]
    public void Two_phase_schedule_runs_mixed_next_token_prediction_then_contrastive_learning()
    {
        TorchRuntime.EnsureThreadConfigured();
        using var scope = NewDisposeScope();
        using var model = NanoModel(out var specials, 1);
        var random = new Random(4);
        var texts = Enumerable.Range(0, 6).Select(_ => Enumerable.Range(0, 12).Select(_ => random.Next(Vocab)).ToArray()).ToList();
        var settings = new GemSettings(NtpIterations: 2, TotalIterations: 8, ContrastiveLearningRate: 1e-3, PrefixDropout: 0.2);
        using var trainer = new GemTrainer(model, specials, settings, seed: 2);
        Assert.Equal(Math.Log(20), trainer.LogitScale, 6);
        var steps = Enumerable.Range(0, 8).Select(_ => trainer.Step(texts)).ToList();
        Assert.All(steps.Take(2), s => Assert.True(s.Alpha == 0 && s.NtpLoss is not null && s.ContrastiveLoss is null));
        Assert.All(steps.Skip(2), s => Assert.True(s.Alpha == 1 && s.NtpLoss is null && s.ContrastiveLoss is not null));
        Assert.Equal(1e-4, steps[0].LearningRate, 12);
        Assert.Equal(1e-3, steps[2].LearningRate, 12);
        Assert.All(steps.Take(2), s => Assert.Equal(Math.Log(20), s.LogitScale, 6));
        Assert.All(steps.Skip(2), s => Assert.NotEqual(Math.Log(20), s.LogitScale, 6));
    }

    [Fact]
    public void Logit_scale_stays_within_its_clamp()
    {
        TorchRuntime.EnsureThreadConfigured();
        using var scope = NewDisposeScope();
        using var model = NanoModel(out var specials, 1);
        var random = new Random(5);
        var texts = Enumerable.Range(0, 6).Select(_ => Enumerable.Range(0, 12).Select(_ => random.Next(Vocab)).ToArray()).ToList();
        // A learning rate of 1.7 moves the logit scale by about 1.7 on the first Adam step (ln 20 + 1.7 > ln 100):
        // only the clamp keeps it at ln 100; later steps, wherever the large rate pushes, stay in [0, ln 100].
        var settings = new GemSettings(NtpIterations: 0, TotalIterations: 6, ContrastiveLearningRate: 1.7);
        using var trainer = new GemTrainer(model, specials, settings, seed: 2);
        var steps = Enumerable.Range(0, 6).Select(_ => trainer.Step(texts)).ToList();
        Assert.Equal(Math.Log(100), steps[0].LogitScale, 5);
        Assert.All(steps, s => Assert.InRange(s.LogitScale, 0.0, Math.Log(100) + 1e-6));
    }

    [Fact]
    public void Resuming_a_gem_checkpoint_continues_exactly_like_an_uninterrupted_run()
    {
        TorchRuntime.EnsureThreadConfigured();
        using var scope = NewDisposeScope();
        var random = new Random(6);
        var texts = Enumerable.Range(0, 4).Select(_ => Enumerable.Range(0, 9).Select(_ => random.Next(Vocab)).ToArray()).ToList();
        var settings = new GemSettings(NtpIterations: 2, TotalIterations: 5, PlainProbability: 0.5, ContrastiveLearningRate: 1e-3);
        var folder = Directory.CreateTempSubdirectory("fedorleans-gem-").FullName;

        using var straight = NanoModel(out var specials, 1);
        double straightScale;
        using (var trainer = new GemTrainer(straight, specials, settings, seed: 8))
        {
            for (int i = 0; i < 5; i++)
            {
                trainer.Step(texts);
            }
            straightScale = trainer.LogitScale;
        }
        using (var first = NanoModel(out _, 1))
        {
            using var trainer = new GemTrainer(first, specials, settings, seed: 8);
            for (int i = 0; i < 3; i++)
            {
                trainer.Step(texts);
            }
            trainer.SaveCheckpoint(folder);
        }
        using var resumed = new LlamaForCausalLM(LlamaConfig.Load(folder));
        using (var trainer = new GemTrainer(resumed, specials, settings, seed: 8))
        {
            trainer.Resume(folder);
            Assert.Equal(3, trainer.Iteration);
            trainer.Step(texts);
            trainer.Step(texts);
            Assert.Equal(straightScale, trainer.LogitScale);
        }
        foreach (var ((name, a), (_, b)) in straight.named_parameters().Zip(resumed.named_parameters()))
        {
            Assert.True(a.allclose(b, rtol: 0, atol: 0), name);
        }
    }

    [Fact]
    public void Embedding_is_the_mean_of_the_appended_special_tokens_last_layer_states()
    {
        TorchRuntime.EnsureThreadConfigured();
        using var scope = NewDisposeScope();
        using var model = NanoModel(out var specials, 2);
        var collator = new GemCollator(specials, new GemSettings(SpecialTokenCount: 2));
        int[][] texts = [[1, 2, 3, 4], [9, 8, 7, 6, 5, 4, 3]];
        var embeddings = GemEmbedder.Embed(model, collator, texts);
        using var noGrad = no_grad();
        for (int t = 0; t < texts.Length; t++)
        {
            var states = States(model, texts[t], specials, []);
            int p = texts[t].Length;
            var mean = states[p].Zip(states[p + 1], (a, b) => (a + b) / 2).ToArray();
            Assert.True(MaxDiff(mean, embeddings[t]) < 1e-5, $"text {t}");
        }
        // One special token at the end is an ordinary causal pass: its state is the last position's.
        var single = new GemCollator([specials[0]], new GemSettings());
        var one = GemEmbedder.Embed(model, single, [texts[1]]);
        var causal = model.HiddenStates(tensor(texts[1].Append(specials[0]).Select(v => (long)v).ToArray(), [1, 8]));
        Assert.True(MaxDiff(causal[0, 7].data<float>().ToArray(), one[0]) < 1e-5);
    }

    [Fact]
    public void Boolean_and_additive_masks_of_every_accepted_shape_give_the_same_states()
    {
        TorchRuntime.EnsureThreadConfigured();
        using var scope = NewDisposeScope();
        using var model = NanoModel(out var specials, 1);
        using var noGrad = no_grad();
        var ids = tensor(new long[] { 3, 4, 5, 512, 7, 8, 9, 10, 11, 512, 12, 13 }, [2, 6]);
        var allowed = GemMask.Allowed(2, 1, 3);
        var square = tensor(allowed.Cast<bool>().ToArray(), [6, 6]);
        var reference = model.HiddenStates(ids, square);
        using var blocked = (-1e9).ToScalar();
        var additive = zeros(6, 6).masked_fill(square.logical_not(), blocked);
        foreach (var mask in new[] { square.unsqueeze(0).expand(2, 6, 6), square.unsqueeze(0).unsqueeze(0), additive, additive.unsqueeze(0).unsqueeze(0).expand(2, 1, 6, 6) })
        {
            Assert.True(model.HiddenStates(ids, mask).allclose(reference, rtol: 0, atol: 1e-6), $"mask [{string.Join(", ", mask.shape)}] {mask.dtype}");
        }
        Assert.False(model.HiddenStates(ids).allclose(reference, rtol: 0, atol: 1e-3), "the GEM mask must differ from the causal one");
        var error = Assert.Throws<ArgumentException>(() => model.HiddenStates(ids, ones(2, 4, 6, 6, ScalarType.Bool)));
        Assert.Contains("one mask for all heads", error.Message);
        error = Assert.Throws<ArgumentException>(() => model.HiddenStates(ids, ones(5, 5, ScalarType.Bool)));
        Assert.Contains("T = 6", error.Message);
    }

    private static LlamaForCausalLM NanoModel(out int[] specials, int k)
    {
        using var baseModel = new LlamaForCausalLM(LlamaConfig.FromPreset(LlamaPreset.Nano));
        baseModel.Initialize(seed: 17);
        specials = Enumerable.Range(Vocab, k).ToArray();
        return baseModel.WithAddedTokens(k);
    }

    /// <summary>Last-layer states of one <c>prefix S suffix</c> row under the GEM mask, one array per position.</summary>
    private static float[][] States(LlamaForCausalLM model, int[] prefix, int[] specials, int[] suffix)
    {
        var row = GemRow.Create(prefix, specials, suffix);
        var batch = GemBatch.Collate([row], 0);
        var hidden = model.HiddenStates(batch.InputIds, batch.Mask);
        return Enumerable.Range(0, row.Length).Select(i => hidden[0, i].data<float>().ToArray()).ToArray();
    }

    private static double MaxDiff(float[] a, float[] b) => a.Zip(b, (x, y) => (double)Math.Abs(x - y)).Max();
}
