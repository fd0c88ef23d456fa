using System.Diagnostics;
using System.Globalization;
using System.Text;
using FedOrleans.Models.Llm;

namespace FedOrleans.Models.Adapters.FineTuning;

/// <summary>
/// Equal-budget comparisons of adapter kinds on one <see cref="AnswerTask"/>: every configuration is fine-tuned from
/// the same frozen base once per seed (the seed fixes the adapter initialisation, batch order and gate noise).
/// </summary>
public static class AdapterComparison
{
    /// <summary>The projection shapes the targets pick in a model of <paramref name="config"/>, in model order.</summary>
    public static IReadOnlyList<(int In, int Out)> TargetShapes(LlamaConfig config, AdapterTargets targets)
    {
        var perLayer = new List<(int In, int Out)>();
        int q = config.NumAttentionHeads * config.HeadDim, kv = config.NumKeyValueHeads * config.HeadDim;
        foreach (var projection in targets.Projections)
        {
            perLayer.Add(projection switch
            {
                "gate_proj" or "up_proj" => (config.HiddenSize, config.IntermediateSize),
                "down_proj" => (config.IntermediateSize, config.HiddenSize),
                "q_proj" => (config.HiddenSize, q),
                "k_proj" or "v_proj" => (config.HiddenSize, kv),
                "o_proj" => (q, config.HiddenSize),
                _ => throw new ArgumentException($"unknown projection {projection}"),
            });
        }
        return Enumerable.Repeat(perLayer, config.NumHiddenLayers).SelectMany(l => l).ToList();
    }

    /// <summary>The trainable count of <paramref name="settings"/> over <paramref name="shapes"/>.</summary>
    public static long Count(IAdapterSettings settings, IReadOnlyList<(int In, int Out)> shapes) =>
        shapes.Sum(s => settings.ParameterCount(s.In, s.Out));

    /// <summary>Of <paramref name="candidates"/>, the one whose trainable count is closest to <paramref name="budget"/>.</summary>
    public static IAdapterSettings Closest(IEnumerable<IAdapterSettings> candidates, IReadOnlyList<(int In, int Out)> shapes, long budget) =>
        candidates.MinBy(c => Math.Abs(Count(c, shapes) - budget)) ?? throw new ArgumentException("no candidate");

    /// <summary>
    /// Of <paramref name="candidates"/> whose trainable count is at most <paramref name="budget"/> · (1 + <paramref name="tolerance"/>),
    /// the one of largest <paramref name="capacity"/> (S'MoRE: its top width d_L), then the one closest to the budget.
    /// At small widths a router's fixed cost can leave a mixture only rank-1 experts at "the closest count"; this picks
    /// the router and ranks that give the experts the most of the budget.
    /// </summary>
    public static IAdapterSettings LargestWithin(IEnumerable<IAdapterSettings> candidates, IReadOnlyList<(int In, int Out)> shapes,
        long budget, Func<IAdapterSettings, int> capacity, double tolerance = 0.05) =>
        candidates.Select(c => (Settings: c, Count: Count(c, shapes)))
            .Where(c => c.Count <= budget * (1 + tolerance))
            .OrderByDescending(c => capacity(c.Settings)).ThenBy(c => Math.Abs(c.Count - budget))
            .Select(c => c.Settings).FirstOrDefault() ?? throw new ArgumentException($"no candidate fits a budget of {budget}");

    /// <summary>
    /// Fine-tunes every configuration for every seed on a fresh copy of the base from <paramref name="createBase"/>.
    /// <paramref name="inspect"/> (diagnostics) gets the label, seed, stage (<c>init</c>, <c>epoch k</c>), model and adapters.
    /// </summary>
    public static IReadOnlyList<ComparisonRow> Run(Func<LlamaForCausalLM> createBase, AnswerTask task,
        IReadOnlyList<(string Label, IAdapterSettings Settings)> entries, IReadOnlyList<int> seeds, FineTuneSettings settings,
        AdapterTargets targets, IProgress<string>? progress = null, CancellationToken ct = default,
        Action<string, int, string, LlamaForCausalLM, ModelAdapters>? inspect = null)
    {
        var rows = new List<ComparisonRow>();
        foreach (var (label, adapterSettings) in entries)
        {
            var accuracies = new List<double>();
            var losses = new List<double>();
            var validation = new List<double>();
            double initial = double.NaN;
            long count = 0;
            var clock = Stopwatch.StartNew();
            foreach (var seed in seeds)
            {
                using var model = createBase();
                using var adapters = ModelAdapters.Apply(model, adapterSettings, targets, (ulong)seed * 1000);
                var outcome = AdapterFineTuner.Fit(model, adapters, task, settings with { Seed = seed }, progress, ct,
                    inspect is null ? null : stage => inspect(label, seed, stage, model, adapters));
                accuracies.Add(outcome.TestAccuracy);
                losses.Add(outcome.EpochLosses[^1]);
                validation.Add(outcome.ValidationAccuracy[^1]);
                initial = outcome.InitialTestAccuracy;
                count = outcome.TrainableParameters;
                progress?.Report($"{label} seed {seed}: test accuracy {outcome.TestAccuracy:F4} ({count} trainable)");
            }
            rows.Add(new ComparisonRow(label, adapterSettings.Describe(), count, accuracies, losses, initial, clock.Elapsed.TotalSeconds,
                validation, settings.LearningRate));
        }
        return rows;
    }

    /// <summary>
    /// Per configuration (label), the learning rate whose mean validation accuracy over seeds is highest (the first of
    /// the grid on a tie); test accuracy plays no part in the choice.
    /// </summary>
    public static IReadOnlyList<ComparisonRow> ChooseByValidation(IEnumerable<ComparisonRow> grid) =>
        grid.GroupBy(r => r.Label).Select(g => g.Aggregate((best, r) => r.MeanValidationAccuracy > best.MeanValidationAccuracy ? r : best)).ToList();

    /// <summary>A Markdown table of <paramref name="rows"/>.</summary>
    public static string Markdown(IReadOnlyList<ComparisonRow> rows)
    {
        var text = new StringBuilder();
        text.AppendLine("| configuration | adapter | trainable | lr | validation accuracy (mean) | test accuracy mean ± std | per seed | final train loss | base accuracy | seconds |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---|---:|---:|---:|");
        foreach (var r in rows)
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Label} | {r.Adapter} | {r.TrainableParameters:N0} | {r.LearningRate:G3} | {r.MeanValidationAccuracy:F3} | {r.MeanAccuracy:F3} ± {r.StdAccuracy:F3} | {string.Join(", ", r.TestAccuracies.Select(a => a.ToString("F3", CultureInfo.InvariantCulture)))} | {r.FinalLosses.Average():F3} | {r.InitialAccuracy:F3} | {r.Seconds:F0} |"));
        }
        return text.ToString();
    }
}
