using FedOrleans.Contracts;
using FedOrleans.Models.Federated;
using FedOrleans.Models.Training;

namespace FedOrleans.Grains.Mapping;

/// <summary>Maps Models records to their wire forms in Contracts and back.</summary>
public static class WireMapping
{
    public static TrainerSettingsWire ToWire(this TrainerSettings s) =>
        new(s.Epochs, s.BatchSize, s.LearningRate, (int)s.Optimizer, s.Momentum, s.WeightDecay, s.ProximalMu, s.LocalSteps);

    public static TrainerSettings ToModel(this TrainerSettingsWire s) =>
        new(s.Epochs, s.BatchSize, s.LearningRate, (OptimizerKind)s.Optimizer, s.Momentum, s.WeightDecay, s.ProximalMu, s.LocalSteps);

    public static MinimaxSettingsWire ToWire(this MinimaxSettings m) => new((int)m.Rule, m.Mu, m.DualDecay, m.DecayEvery, m.Coefficient);

    public static MinimaxSettings ToModel(this MinimaxSettingsWire m) => new((MinimaxRule)m.Rule, m.Mu, m.DualDecay, m.DecayEvery, m.Coefficient);

    public static FitRequest ToRequest(this FitInstructions i, byte[] globalWeights, int roundClients = 0) =>
        new(i.Round, i.Seed, i.Settings.ToWire(), globalWeights, i.Minimax?.ToWire(), roundClients);

    public static FitInstructions ToInstructions(this FitRequest r) => new(r.Round, r.Seed, r.Settings.ToModel(), r.Minimax?.ToModel());

    /// <summary>
    /// The update in a client's answer. A client that left the weights as they were (an empty shard, a no-op fit) answers with
    /// the very array it was sent (in-process calls pass immutable records by reference): that is <paramref name="global"/>,
    /// already decoded, so it is not decoded again.
    /// </summary>
    public static ClientUpdate ToUpdate(this FitResult r, ClientId client, byte[] globalBytes, ModelWeights global) =>
        new(client, r.Values is { } values ? new ModelWeights(values) : ReferenceEquals(r.Weights, globalBytes) ? global : ModelWeights.FromBytes(r.Weights),
            r.NumSamples, r.TrainLoss);

    /// <summary>
    /// A global weight payload decoded once per array: every client of a round on the experiment's silo is sent the same
    /// array (in-process calls pass immutable records by reference), so the first client decodes it and the others share
    /// that copy (decoding per client copied the whole model per client: 31 KB for logistic MNIST, 1.7 MB for the CNN).
    /// Safe because <see cref="ModelWeights"/> are never changed after construction.
    /// </summary>
    public static ModelWeights DecodeShared(byte[] bytes) => SharedPayloads.GetValue(bytes, ModelWeights.FromBytes);

    /// <summary>
    /// The wire payload of a global model, made once per <see cref="ModelWeights"/> object: a round's fit requests and the
    /// experiment's persisted state carry the same array, and <see cref="DecodeShared"/> of that array on this silo is
    /// <paramref name="weights"/> itself, not a decoded copy.
    /// </summary>
    public static byte[] EncodeShared(ModelWeights weights)
    {
        var bytes = EncodedPayloads.GetValue(weights, static w => w.ToBytes());
        SharedPayloads.TryAdd(bytes, weights);
        return bytes;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<byte[], ModelWeights> SharedPayloads = new();

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ModelWeights, byte[]> EncodedPayloads = new();

    public static byte[] ToBytes(IReadOnlyList<float[]> slots) =>
        slots.SelectMany(s => new ModelWeights(s).ToBytes()).ToArray();

    /// <summary>Splits concatenated slot bytes back into <paramref name="count"/> equal slots.</summary>
    public static IReadOnlyList<float[]> SlotsFromBytes(byte[] bytes, int count)
    {
        if (count == 0)
        {
            return [];
        }
        var all = ModelWeights.FromBytes(bytes).Values;
        int length = all.Length / count;
        return Enumerable.Range(0, count).Select(i => all[(i * length)..((i + 1) * length)]).ToList();
    }
}
