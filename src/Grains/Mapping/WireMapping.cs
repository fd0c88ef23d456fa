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

    public static ClientUpdate ToUpdate(this FitResult r, ClientId client) =>
        new(client, ModelWeights.FromBytes(r.Weights), r.NumSamples, r.TrainLoss);

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
