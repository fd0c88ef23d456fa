using System.Globalization;
using System.Text;
using FedOrleans.Models.Llm;
using FedOrleans.Models.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace FedOrleans.Models.Adapters.FineTuning;

/// <summary>
/// What one S'MoRE layer computes at the answer position (the last prompt token, whose logits score the answer),
/// over a set of examples: the mean |pre-activation| of its experts, the mean slope of the expert activation there
/// (<c>1 − tanh²</c> for tanh, the share above 0 for ReLU, 1 for the identity), the share of pre-activations beyond
/// ±3 (tanh's slope below 0.01), and, for the adapter's output Δ(x) (<see cref="Layer"/> −1), its mean |value| across
/// examples against its spread (the standard deviation across examples, averaged over output features): a Δ that is the
/// same for every example moves every answer alike and cannot separate the classes.
/// </summary>
public sealed record SmoreLayerStats(string Stage, string Module, int Layer, double MeanAbsPreActivation, double MeanSlope,
    double SaturatedShare, double OutputMeanAbs, double OutputSpread);

/// <summary>Measures <see cref="SmoreLayerStats"/> for every S'MoRE adapter of a model (issue: S'MoRE sitting at chance).</summary>
public static class SmoreDiagnostics
{
    /// <summary>The |pre-activation| beyond which tanh's slope is under 0.01.</summary>
    public const double SaturationThreshold = 3.0;

    /// <summary>
    /// Runs the prompts of <paramref name="examples"/> (no answer tokens) through the adapted model in evaluation mode and
    /// gathers, per S'MoRE adapter and layer, the statistics at each prompt's last token. Other adapter kinds are skipped.
    /// </summary>
    public static IReadOnlyList<SmoreLayerStats> Measure(string stage, LlamaForCausalLM model, ModelAdapters adapters,
        IReadOnlyList<AnswerExample> examples, int batchSize)
    {
        TorchRuntime.EnsureThreadConfigured();
        adapters.Eval();
        model.eval();
        var probes = adapters.ModuleNames
            .Select(name => (Name: name, Adapter: adapters[name] as SmoreAdapter))
            .Where(p => p.Adapter is not null)
            .Select(p => new Accumulator(p.Name, p.Adapter!))
            .ToList();
        try
        {
            for (int start = 0; start < examples.Count; start += batchSize)
            {
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                var batch = examples.Skip(start).Take(batchSize).Select(e => (e.Prompt, Array.Empty<int>())).ToList();
                var (ids, mask, _) = AdapterFineTuner.Collate(batch, model);
                long length = ids.shape[1];
                var rows = tensor(batch.Select((p, b) => b * length + p.Prompt.Length - 1).ToArray()).to(ids.device);
                foreach (var probe in probes)
                {
                    probe.Rows = rows;
                }
                adapters.Forward(model, ids, mask);
            }
        }
        finally
        {
            foreach (var probe in probes)
            {
                probe.Detach();
            }
        }
        return probes.SelectMany(p => p.Stats(stage)).ToList();
    }

    /// <summary>The header and rows of a CSV of <paramref name="stats"/> (invariant culture).</summary>
    public static string Csv(IEnumerable<SmoreLayerStats> stats, bool header)
    {
        var text = new StringBuilder();
        if (header)
        {
            text.AppendLine("stage,module,layer,mean_abs_pre_activation,mean_slope,saturated_share,output_mean_abs,output_spread");
        }
        foreach (var s in stats)
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{s.Stage},{s.Module},{s.Layer},{s.MeanAbsPreActivation:G6},{s.MeanSlope:G6},{s.SaturatedShare:G6},{s.OutputMeanAbs:G6},{s.OutputSpread:G6}"));
        }
        return text.ToString();
    }

    /// <summary>The statistics averaged over modules, per layer (−1: the adapter output).</summary>
    public static IReadOnlyList<SmoreLayerStats> Summary(IReadOnlyList<SmoreLayerStats> stats) =>
        stats.GroupBy(s => (s.Stage, s.Layer))
            .Select(g => new SmoreLayerStats(g.Key.Stage, "all", g.Key.Layer, g.Average(s => s.MeanAbsPreActivation),
                g.Average(s => s.MeanSlope), g.Average(s => s.SaturatedShare), g.Average(s => s.OutputMeanAbs), g.Average(s => s.OutputSpread)))
            .ToList();

    private sealed class Accumulator
    {
        private readonly string _name;
        private readonly SmoreAdapter _adapter;
        private readonly double[] _absSum;
        private readonly double[] _slopeSum;
        private readonly double[] _saturated;
        private readonly long[] _count;
        private readonly List<float[]> _outputs = [];

        public Accumulator(string name, SmoreAdapter adapter)
        {
            _name = name;
            _adapter = adapter;
            int layers = adapter.Settings.Layers;
            _absSum = new double[layers];
            _slopeSum = new double[layers];
            _saturated = new double[layers];
            _count = new long[layers];
            adapter.Probe = Record;
        }

        public Tensor? Rows { get; set; }

        public void Detach() => _adapter.Probe = null;

        private void Record(SmoreForward forward)
        {
            using var scope = NewDisposeScope();
            var rows = Rows ?? throw new InvalidOperationException("no rows to observe");
            long n = forward.Delta.numel() / _adapter.OutFeatures;
            for (int l = 0; l < forward.PreActivations.Count; l++)
            {
                var pre = forward.PreActivations[l].reshape(n, -1).index_select(0, rows).to_type(ScalarType.Float64);
                var abs = pre.abs();
                using var threshold = SaturationThreshold.ToScalar();
                _absSum[l] += abs.sum().item<double>();
                _saturated[l] += abs.gt(threshold).sum().item<long>();
                _slopeSum[l] += Slope(pre).sum().item<double>();
                _count[l] += pre.numel();
            }
            var delta = forward.Delta.reshape(n, _adapter.OutFeatures).index_select(0, rows).cpu();
            long width = _adapter.OutFeatures;
            var values = delta.data<float>().ToArray();
            for (long r = 0; r < delta.shape[0]; r++)
            {
                _outputs.Add(values.AsSpan((int)(r * width), (int)width).ToArray());
            }
        }

        private Tensor Slope(Tensor pre) => _adapter.Settings.ExpertActivation switch
        {
            AdapterActivation.Tanh => pre.tanh().square().neg().add(TorchScalars.One),
            AdapterActivation.Relu => pre.gt(TorchScalars.Zero).to_type(ScalarType.Float64),
            _ => ones_like(pre),
        };

        public IEnumerable<SmoreLayerStats> Stats(string stage)
        {
            for (int l = 0; l < _count.Length; l++)
            {
                double count = Math.Max(1, _count[l]);
                yield return new SmoreLayerStats(stage, _name, l, _absSum[l] / count, _slopeSum[l] / count, _saturated[l] / count, double.NaN, double.NaN);
            }
            int width = _adapter.OutFeatures;
            double meanAbs = 0, spread = 0;
            for (int j = 0; j < width; j++)
            {
                double mean = _outputs.Average(o => (double)o[j]);
                double variance = _outputs.Average(o => (o[j] - mean) * (o[j] - mean));
                meanAbs += Math.Abs(mean);
                spread += Math.Sqrt(variance);
            }
            yield return new SmoreLayerStats(stage, _name, -1, double.NaN, double.NaN, double.NaN, meanAbs / width, spread / width);
        }
    }
}
