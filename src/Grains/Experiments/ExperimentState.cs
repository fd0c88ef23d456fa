using FedOrleans.Contracts;

namespace FedOrleans.Grains.Experiments;

/// <summary>
/// The experiment grain's persisted state, written after every round (every <see cref="Training.TrainingOptions.CheckpointEvery"/>
/// rounds): enough to resume from the last written round on any silo.
/// </summary>
[GenerateSerializer, Alias("fedorleans.ExperimentState")]
public sealed class ExperimentState
{
    [Id(0)] public string SpecYaml { get; set; } = "";
    [Id(1)] public ExperimentPhase Phase { get; set; }
    [Id(2)] public int CompletedRounds { get; set; }
    [Id(3)] public byte[] GlobalWeights { get; set; } = [];
    [Id(4)] public byte[] StrategySlots { get; set; } = [];
    [Id(5)] public int StrategySlotCount { get; set; }
    [Id(6)] public int StrategyStep { get; set; }
    [Id(7)] public List<RoundSummary> History { get; set; } = [];
    [Id(8)] public string? Error { get; set; }
    [Id(9)] public int Resumes { get; set; }
    [Id(10)] public double ElapsedSeconds { get; set; }

    /// <summary>The clients are <see cref="FedOrleans.Contracts.FedOrleansNames.GpuClientGrainType"/> grains (decided once, at the start).</summary>
    [Id(11)] public bool GpuClients { get; set; }
}
