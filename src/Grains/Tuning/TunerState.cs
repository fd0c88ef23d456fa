using FedOrleans.Contracts;

namespace FedOrleans.Grains.Tuning;

/// <summary>A study's persisted state, written whenever a trial starts or finishes: enough to resume on any silo.</summary>
[GenerateSerializer, Alias("fedorleans.TunerState")]
public sealed class TunerState
{
    [Id(0)] public string StudyYaml { get; set; } = "";
    [Id(1)] public string ExperimentYaml { get; set; } = "";
    [Id(2)] public ExperimentPhase Phase { get; set; }
    [Id(3)] public List<TrialRecord> Trials { get; set; } = [];
    [Id(4)] public string? Error { get; set; }
    [Id(5)] public int Resumes { get; set; }
}

/// <summary>One trial: its configuration (values in the search space's order), and its outcome once finished.</summary>
[GenerateSerializer, Alias("fedorleans.TrialRecord")]
public sealed class TrialRecord
{
    [Id(0)] public int Number { get; set; }
    [Id(1)] public double[] Configuration { get; set; } = [];
    [Id(2)] public string ExperimentId { get; set; } = "";
    [Id(3)] public ExperimentPhase Phase { get; set; }
    [Id(4)] public double ValidationAccuracy { get; set; } = double.NaN;
    [Id(5)] public double TestAccuracy { get; set; } = double.NaN;
    [Id(6)] public double Seconds { get; set; }
    [Id(7)] public int FinishOrder { get; set; }
}
