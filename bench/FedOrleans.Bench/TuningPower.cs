using System.Diagnostics;
using System.Globalization;
using System.Text;
using FedOrleans.Models.Data;
using FedOrleans.Models.Federated;
using FedOrleans.Models.Graphs;
using FedOrleans.Models.Nn;
using FedOrleans.Models.Torch;
using FedOrleans.Models.Training;
using FedOrleans.Models.Tuning;
using MathNet.Numerics.Distributions;

namespace FedOrleans.Bench;

/// <summary>
/// Bayesian optimisation against random search with enough repeats to tell them apart: on a graph objective run in
/// process (<see cref="GraphTrials"/>: the graph workload and strategy the cluster runs), each optimiser
/// runs <c>--seeds</c> studies of <c>--trials</c> trials. Study seed s gives both optimisers the same first random
/// configurations and the same trial seeds (trial t trains with seed Mix(s, t)), so the comparison is paired. Before the
/// studies, one reference configuration is repeated over <c>--noise-repeats</c> seeds to measure the objective's noise.
/// After them, each study's best configuration is re-run with <c>--fresh-seeds</c> (3) fresh seeds (its true quality, without the lucky draw
/// that made it the best). Writes trials.csv (resumable), noise.csv, report.md and best-so-far.png to <c>--out</c>.
/// Results and commands: docs/results/asfgnn.md.
/// </summary>
public static class TuningPower
{
    private enum ObjectiveKind
    {
        /// <summary>FedAvg GCN on Cora's community split, 3 rounds; learning rate and local epochs only.</summary>
        FedAvgLrEpochs,

        /// <summary>ASFGNN on Cora's community split, 5 rounds; the 8 hyper-parameters of experiments/asfgnn-tune-cora.yaml.</summary>
        Asfgnn,
    }

    private sealed record Objective(ObjectiveKind Kind, string Title, SearchSpace Space, Configuration Reference, Func<Configuration, ulong, GraphTrialSpec> Spec);

    private sealed record Trial(string Optimizer, int Seed, int Index, string Configuration, double Validation, double Test, double Seconds);

    public static int Run(string[] args)
    {
        var kind = ObjectiveKind.FedAvgLrEpochs;
        int seeds = 5, trials = 40, noiseRepeats = 10, seedFrom = 1, freshSeeds = 3;
        string[] optimizers = ["bayesian", "random"];
        Configuration? reference = null;
        string output = Path.Combine("results", "tuning-power");
        for (int i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--objective":
                    kind = value switch
                    {
                        "fedavg-lr-epochs" => ObjectiveKind.FedAvgLrEpochs,
                        "asfgnn" => ObjectiveKind.Asfgnn,
                        _ => throw new ArgumentException($"--objective {value}: allowed fedavg-lr-epochs, asfgnn"),
                    };
                    break;
                case "--seeds": seeds = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--seed-from": seedFrom = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--reference": reference = Parse(value); break;
                case "--fresh-seeds": freshSeeds = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--trials": trials = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--noise-repeats": noiseRepeats = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--out": output = value; break;
                case "--optimizers": optimizers = value.Split(',').Select(o => o is "bayesian" or "random" ? o : throw new ArgumentException($"--optimizers {o}: allowed bayesian, random")).ToArray(); break;
                default: throw new ArgumentException($"unknown option {args[i]}; allowed: --objective, --seeds, --seed-from, --fresh-seeds, --reference, --trials, --noise-repeats, --optimizers, --out");
            }
            i++;
        }
        TorchRuntime.Configure(1);
        Directory.CreateDirectory(output);
        var graph = GraphDatasets.Load(new GraphDataSpec(GraphDatasetName.Cora), DataCache.Default);
        var objective = Create(kind);
        objective = reference is null ? objective : objective with { Reference = reference };
        var federation = GraphTrials.Split(objective.Spec(objective.Reference, 1), graph);   // the same for every trial
        var clock = Stopwatch.StartNew();
        void Log(string line) => Console.Error.WriteLine($"[{clock.Elapsed:hh\\:mm\\:ss}] {line}");

        (double Validation, double Test, double Seconds) Evaluate(Configuration c, ulong seed)
        {
            var watch = Stopwatch.StartNew();
            var result = GraphTrials.Run(objective.Spec(c, seed), federation);
            return (result.ValidationAccuracy, result.TestAccuracy, watch.Elapsed.TotalSeconds);
        }

        // 1. Noise: the reference configuration over several seeds.
        var noisePath = Path.Combine(output, "noise.csv");
        var noise = File.Exists(noisePath)
            ? File.ReadLines(noisePath).Skip(1).Select(l => double.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)).ToList()
            : [];
        if (noise.Count < noiseRepeats)
        {
            noise.Clear();
            var lines = new StringBuilder("seed,validation,test\n");
            for (int r = 1; r <= noiseRepeats; r++)
            {
                var (validation, test, seconds) = Evaluate(objective.Reference, SeedMixer.Mix(1000, (ulong)r));
                noise.Add(validation);
                lines.Append(CultureInfo.InvariantCulture, $"{r},{validation:F4},{test:F4}\n");
                Log($"noise repeat {r}: validation {validation:F4}, test {test:F4} ({seconds:F1} s)");
            }
            File.WriteAllText(noisePath, lines.ToString());
        }

        // 2. The studies (trials.csv is appended as trials finish; a rerun skips finished studies).
        var trialsPath = Path.Combine(output, "trials.csv");
        var done = File.Exists(trialsPath) ? File.ReadLines(trialsPath).Skip(1).Select(ParseTrial).ToList() : [];
        var all = new List<Trial>();
        var fittedNoise = new List<double>();
        var finals = new Dictionary<(string Optimizer, int Seed), Configuration>();
        using (var writer = new StreamWriter(trialsPath, append: false))
        {
            writer.WriteLine("optimizer,seed,trial,validation,test,seconds,configuration");
            foreach (var optimizerName in optimizers)
            {
                for (int seed = seedFrom; seed <= seeds; seed++)
                {
                    IHyperparameterOptimizer optimizer = optimizerName == "bayesian"
                        ? new BayesianOptimizer(objective.Space, seed)
                        : new RandomSearch(objective.Space, seed);
                    var previous = done.Where(t => t.Optimizer == optimizerName && t.Seed == seed).OrderBy(t => t.Index).ToList();
                    bool reuse = previous.Count >= trials;
                    for (int t = 1; t <= trials; t++)
                    {
                        var c = optimizer.Suggest();
                        Trial trial;
                        if (reuse && previous[t - 1].Configuration == c.ToString())
                        {
                            trial = previous[t - 1];
                        }
                        else
                        {
                            reuse = false;
                            var (validation, test, seconds) = Evaluate(c, SeedMixer.Mix((ulong)seed, (ulong)t));
                            trial = new Trial(optimizerName, seed, t, c.ToString(), validation, test, seconds);
                            Log($"{optimizerName} seed {seed} trial {t}: validation {validation:F4} ({seconds:F1} s) {objective.Space.Describe(c)}");
                        }
                        optimizer.Observe(c, 1 - trial.Validation);
                        all.Add(trial);
                        writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"{trial.Optimizer},{trial.Seed},{trial.Index},{trial.Validation:F4},{trial.Test:F4},{trial.Seconds:F2},{trial.Configuration.Replace(',', ';')}"));
                        writer.Flush();
                    }
                    var runTrials = all.Where(x => x.Optimizer == optimizerName && x.Seed == seed).ToList();
                    finals[(optimizerName, seed)] = Parse(runTrials.MaxBy(x => x.Validation)!.Configuration);
                    if (optimizer is BayesianOptimizer { LastHyperparameters: { } h })
                    {
                        var values = runTrials.Select(x => x.Validation).ToList();
                        double sd = Math.Sqrt(values.Average(v => (v - values.Average()) * (v - values.Average())));
                        fittedNoise.Add(Math.Sqrt(h.NoiseVariance) * sd);
                    }
                }
            }
        }

        if (optimizers.Length < 2 || seedFrom > 1)
        {
            Log($"wrote {trialsPath}; the report needs both optimisers (concatenate the trials.csv files and rerun with both)");
            return 0;
        }

        // 3. True quality of each study's best configuration: fresh seeds, never seen by the optimiser.
        var fresh = new Dictionary<(string Optimizer, int Seed), double>();
        foreach (var ((optimizerName, seed), c) in finals)
        {
            fresh[(optimizerName, seed)] = Enumerable.Range(1, freshSeeds).Average(r => Evaluate(c, SeedMixer.Mix(2000, (ulong)seed, (ulong)r)).Validation);
            Log($"{optimizerName} seed {seed}: best configuration {objective.Space.Describe(c)} re-run: validation {fresh[(optimizerName, seed)]:F4}");
        }

        var report = Report(objective, all, noise, fittedNoise, fresh, seeds, trials, freshSeeds);
        File.WriteAllText(Path.Combine(output, "report.md"), report);
        Plot(Path.Combine(output, "best-so-far.png"), objective.Title, all, seeds, trials);
        PlotLandscape(Path.Combine(output, "landscape.png"), objective, all);
        Console.WriteLine(report);
        Log($"wrote {output}");
        return 0;
    }

    private static Objective Create(ObjectiveKind kind)
    {
        var federation = new GraphFederationSpec(GraphPartitionKind.Community, 5, 1);
        var data = new GraphDataSpec(GraphDatasetName.Cora);
        switch (kind)
        {
            case ObjectiveKind.FedAvgLrEpochs:
            {
                var space = new SearchSpace([SearchParameter.LogUniform("train.lr", 1e-4, 1), SearchParameter.Integer("train.epochs", 1, 10)]);
                return new Objective(kind, "FedAvg GCN on Cora (5 community clients, 3 rounds): learning rate and local epochs", space,
                    new Configuration([0.05, 5]),
                    (c, seed) => new GraphTrialSpec("tuning", seed, 3, data, federation, GraphMethod.FedAvg, new GnnSpec(),
                        new TrainerSettings(Epochs: (int)c.Values[1], LearningRate: c.Values[0], Optimizer: OptimizerKind.Adam, WeightDecay: 5e-4),
                        new AsfgnnSettings(), EvaluateEvery: 3));
            }
            case ObjectiveKind.Asfgnn:
            {
                var space = new SearchSpace(
                [
                    SearchParameter.LogUniform("train.lr", 1e-3, 0.1),
                    SearchParameter.LogUniform("train.weight_decay", 1e-6, 1e-2),
                    SearchParameter.Uniform("model.dropout", 0, 0.8),
                    SearchParameter.Categorical("model.hidden", "16", "32", "64"),
                    SearchParameter.Categorical("model.activation", "relu", "elu", "tanh"),
                    SearchParameter.Uniform("graph.beta", 0, 1),
                    SearchParameter.LogUniform("graph.rho", 0.01, 10),
                    SearchParameter.Integer("train.epochs", 1, 10),
                ]);
                return new Objective(kind, "ASFGNN on Cora (5 community clients, 5 rounds): 8 hyper-parameters", space,
                    new Configuration([0.01, 5e-4, 0.5, 0, 0, 0.5, 1.0, 5]),
                    (c, seed) => new GraphTrialSpec("tuning", seed, 5, data, federation, GraphMethod.Asfgnn,
                        new GnnSpec(GnnKind.Gcn, 16 << (int)c.Values[3], c.Values[2], (GnnActivation)(int)c.Values[4]),
                        new TrainerSettings(Epochs: (int)c.Values[7], LearningRate: c.Values[0], Optimizer: OptimizerKind.Adam, WeightDecay: c.Values[1]),
                        new AsfgnnSettings(c.Values[5], c.Values[6]), EvaluateEvery: 5));
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    private static Trial ParseTrial(string line)
    {
        var f = line.Split(',');
        double D(int i) => double.Parse(f[i], CultureInfo.InvariantCulture);
        return new Trial(f[0], int.Parse(f[1], CultureInfo.InvariantCulture), int.Parse(f[2], CultureInfo.InvariantCulture), f[6].Replace(';', ','), D(3), D(4), D(5));
    }

    private static Configuration Parse(string text) => new(text.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray());

    /// <summary>Best validation accuracy so far after each trial, per (optimiser, seed).</summary>
    private static double[] BestSoFar(IEnumerable<Trial> run)
    {
        double best = double.NegativeInfinity;
        return run.OrderBy(t => t.Index).Select(t => best = Math.Max(best, t.Validation)).ToArray();
    }

    private static (double Mean, double HalfWidth) MeanCi(IReadOnlyList<double> values)
    {
        double mean = values.Average();
        if (values.Count < 2)
        {
            return (mean, double.NaN);
        }
        double sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
        return (mean, StudentT.InvCDF(0, 1, values.Count - 1, 0.975) * sd / Math.Sqrt(values.Count));
    }

    /// <summary>Two-sided paired t-test p-value of the differences.</summary>
    private static double PairedT(IReadOnlyList<double> differences)
    {
        if (differences.Count < 2)
        {
            return double.NaN;
        }
        var (mean, _) = MeanCi(differences);
        double sd = Math.Sqrt(differences.Sum(d => (d - mean) * (d - mean)) / (differences.Count - 1));
        if (sd == 0)
        {
            return mean == 0 ? 1 : 0;
        }
        double t = mean / (sd / Math.Sqrt(differences.Count));
        return 2 * (1 - StudentT.CDF(0, 1, differences.Count - 1, Math.Abs(t)));
    }

    /// <summary>Exact two-sided Wilcoxon signed-rank p-value (zero differences dropped, tied ranks averaged).</summary>
    private static double Wilcoxon(IReadOnlyList<double> differences)
    {
        var d = differences.Where(x => Math.Abs(x) > 1e-12).ToArray();
        int n = d.Length;
        if (n == 0)
        {
            return 1;
        }
        var order = d.Select((x, i) => (Abs: Math.Abs(x), i)).OrderBy(p => p.Abs).ToArray();
        var ranks = new double[n];
        for (int i = 0; i < n;)
        {
            int j = i;
            while (j + 1 < n && Math.Abs(order[j + 1].Abs - order[i].Abs) < 1e-12)
            {
                j++;
            }
            for (int k = i; k <= j; k++)
            {
                ranks[order[k].i] = (i + j) / 2.0 + 1;
            }
            i = j + 1;
        }
        double observed = Enumerable.Range(0, n).Where(i => d[i] > 0).Sum(i => ranks[i]);
        double centre = ranks.Sum() / 2;
        int extreme = 0;
        for (int mask = 0; mask < 1 << n; mask++)
        {
            double w = 0;
            for (int i = 0; i < n; i++)
            {
                if ((mask >> i & 1) == 1)
                {
                    w += ranks[i];
                }
            }
            if (Math.Abs(w - centre) >= Math.Abs(observed - centre) - 1e-9)
            {
                extreme++;
            }
        }
        return (double)extreme / (1 << n);
    }

    private static string Report(Objective objective, List<Trial> all, List<double> noise, List<double> fittedNoise,
        Dictionary<(string Optimizer, int Seed), double> fresh, int seeds, int trials, int freshSeeds)
    {
        var s = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        string[] optimizers = ["bayesian", "random"];
        string Name(string o) => o == "bayesian" ? "Bayesian (GP-EI, fitted noise, best-mean incumbent)" : "random search";
        var curves = optimizers.ToDictionary(o => o, o => Enumerable.Range(1, seeds).Select(seed => BestSoFar(all.Where(t => t.Optimizer == o && t.Seed == seed))).ToList());
        var (noiseMean, _) = MeanCi(noise);
        double noiseSd = Math.Sqrt(noise.Sum(v => (v - noiseMean) * (v - noiseMean)) / Math.Max(1, noise.Count - 1));
        var randomValues = all.Where(t => t.Optimizer == "random").Select(t => t.Validation).Order().ToList();
        double spread = Math.Sqrt(randomValues.Sum(v => (v - randomValues.Average()) * (v - randomValues.Average())) / (randomValues.Count - 1));
        double target = randomValues[(int)Math.Floor(0.9 * (randomValues.Count - 1))];

        s.Append(inv, $"### {objective.Title}\n\n");
        s.Append(inv, $"Search space: {string.Join(", ", objective.Space.Parameters.Select(p => p.Name))} ({objective.Space.Dimension} unit-cube coordinates). {seeds} seeds x {trials} trials per optimiser; objective = final validation accuracy (500 nodes), maximised.\n\n");
        s.Append(inv, $"Noise: the reference configuration ({objective.Space.Describe(objective.Reference)}) over {noise.Count} seeds: validation {noiseMean:F4} ± {noiseSd:F4} (sd; range {noise.Min():F3}-{noise.Max():F3}). ");
        s.Append(inv, $"Spread of the landscape (sd of random search's {randomValues.Count} trials): {spread:F4}, i.e. noise/spread = {noiseSd / spread:F2}. ");
        if (fittedNoise.Count > 0)
        {
            s.Append(inv, $"The GP's fitted noise sd at the end of each BO study: {fittedNoise.Average():F4} on average ({string.Join(", ", fittedNoise.Select(v => v.ToString("F4", inv)))}).");
        }
        s.Append("\n\n");

        int[] checkpoints = [.. new[] { 1, 5, 10, 20, 30, 40 }.Where(c => c <= trials).Append(trials).Distinct()];
        s.Append("| optimiser | " + string.Join(" | ", checkpoints.Select(c => $"best after {c}")) + " | trials to reach " + target.ToString("F3", inv) + $" (seeds reaching) | best config re-run ({freshSeeds} fresh seeds) |\n");
        s.Append("| --- |" + string.Concat(checkpoints.Select(_ => " --- |")) + " --- | --- |\n");
        var reach = new Dictionary<string, List<int>>();
        foreach (var o in optimizers)
        {
            var cells = checkpoints.Select(c =>
            {
                var (m, h) = MeanCi(curves[o].Select(curve => curve[c - 1]).ToList());
                return $"{m:F4} ± {h:F4}";
            });
            reach[o] = curves[o].Select(curve => Array.FindIndex(curve, v => v >= target) is var i and >= 0 ? i + 1 : trials + 1).ToList();
            var (fm, fh) = MeanCi(Enumerable.Range(1, seeds).Select(seed => fresh[(o, seed)]).ToList());
            s.Append(inv, $"| {Name(o)} | {string.Join(" | ", cells)} | {reach[o].Average():F1} ({reach[o].Count(r => r <= trials)}/{seeds}; per seed {string.Join(", ", reach[o])}) | {fm:F4} ± {fh:F4} |\n");
        }
        s.Append(inv, $"\nMean ± 95% confidence half-width (t, {seeds - 1} df) over seeds. Target: random search's 90th percentile of all its trials ({target:F3}); {trials + 1} = never.\n\n");

        var finalDiff = Enumerable.Range(0, seeds).Select(i => curves["bayesian"][i][trials - 1] - curves["random"][i][trials - 1]).ToList();
        var areaDiff = Enumerable.Range(0, seeds).Select(i => curves["bayesian"][i].Average() - curves["random"][i].Average()).ToList();
        var freshDiff = Enumerable.Range(1, seeds).Select(seed => fresh[("bayesian", seed)] - fresh[("random", seed)]).ToList();
        var reachDiff = Enumerable.Range(0, seeds).Select(i => (double)(reach["bayesian"][i] - reach["random"][i])).ToList();
        s.Append("Paired over seeds (BO minus random; the same seed gives both the same first configurations and trial seeds):\n\n");
        s.Append("| quantity | mean difference | per seed | paired t p | Wilcoxon p (exact) |\n| --- | --- | --- | --- | --- |\n");
        void Row(string label, List<double> d) => s.Append(inv,
            $"| {label} | {d.Average():+0.0000;-0.0000} | {string.Join(", ", d.Select(v => v.ToString("+0.000;-0.000;0", inv)))} | {PairedT(d):F3} | {Wilcoxon(d):F3} |\n");
        Row($"best validation after {trials} trials", finalDiff);
        Row($"mean best-so-far over trials 1-{trials} (area)", areaDiff);
        Row("best configuration re-run on fresh seeds", freshDiff);
        Row("trials to reach the target", reachDiff);
        return s.ToString();
    }

    /// <summary>Every trial's validation accuracy against the first parameter (log scale for log-uniform ones), one colour per third of the last parameter's range.</summary>
    private static void PlotLandscape(string path, Objective objective, List<Trial> all)
    {
        var first = objective.Space.Parameters[0];
        var last = objective.Space.Parameters[^1];
        bool log = first.Kind == ParameterKind.LogUniform;
        var plot = new ScottPlot.Plot();
        plot.Title($"{objective.Title}\nevery trial of both optimisers");
        plot.XLabel(log ? $"log10 {first.Name}" : first.Name);
        plot.YLabel("validation accuracy");
        var points = all.Select(t => (Config: Parse(t.Configuration), t.Validation)).ToList();
        double width = (last.High - last.Low) / 3;
        var colors = new[] { ScottPlot.Colors.Gray, ScottPlot.Colors.OrangeRed, ScottPlot.Colors.Blue };
        for (int band = 0; band < 3; band++)
        {
            double low = last.Low + band * width, high = band == 2 ? double.PositiveInfinity : low + width;
            var members = points.Where(p => p.Config.Values[^1] >= low && p.Config.Values[^1] < high).ToList();
            if (members.Count == 0)
            {
                continue;
            }
            var scatter = plot.Add.ScatterPoints(
                members.Select(p => log ? Math.Log10(p.Config.Values[0]) : p.Config.Values[0]).ToArray(),
                members.Select(p => p.Validation).ToArray());
            scatter.Color = colors[band].WithAlpha(0.6);
            scatter.MarkerSize = 5;
            scatter.LegendText = $"{last.Name} {last.Format(Math.Ceiling(low))}-{last.Format(Math.Min(last.High, Math.Ceiling(high) - 1))}";
        }
        plot.ShowLegend(ScottPlot.Alignment.UpperLeft);
        plot.SavePng(path, 900, 550);
    }

    private static void Plot(string path, string title, List<Trial> all, int seeds, int trials)
    {
        var plot = new ScottPlot.Plot();
        plot.Title($"{title}\nbest so far: mean and 95% band over {seeds} seeds");
        plot.XLabel("trial");
        plot.YLabel("best validation accuracy so far");
        double[] x = Enumerable.Range(1, trials).Select(t => (double)t).ToArray();
        foreach (var (o, label, color) in new[] { ("bayesian", "Bayesian optimisation", ScottPlot.Colors.Blue), ("random", "random search", ScottPlot.Colors.OrangeRed) })
        {
            var curves = Enumerable.Range(1, seeds).Select(seed => BestSoFar(all.Where(t => t.Optimizer == o && t.Seed == seed))).ToList();
            var stats = Enumerable.Range(0, trials).Select(t => MeanCi(curves.Select(c => c[t]).ToList())).ToArray();
            var band = plot.Add.FillY(x, stats.Select(p => p.Mean - p.HalfWidth).ToArray(), stats.Select(p => p.Mean + p.HalfWidth).ToArray());
            band.FillColor = color.WithAlpha(0.2);
            band.LineColor = ScottPlot.Colors.Transparent;
            var line = plot.Add.Scatter(x, stats.Select(p => p.Mean).ToArray());
            line.Color = color;
            line.MarkerSize = 0;
            line.LegendText = label;
        }
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        plot.SavePng(path, 900, 550);
    }
}
