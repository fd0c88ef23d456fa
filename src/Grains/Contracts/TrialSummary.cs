namespace FedOrleans.Contracts;

/// <summary>
/// One trial of a study: its configuration (as spec overrides), the experiment that ran it, its phase, the final
/// validation accuracy (the objective, maximised) and test accuracy (NaN until finished), and the best validation
/// accuracy of the study's trials finished up to and including this one.
/// </summary>
[GenerateSerializer, Immutable, Alias("fedorleans.TrialSummary")]
public sealed record TrialSummary(
    [property: Id(0)] int Number,
    [property: Id(1)] string ExperimentId,
    [property: Id(2)] IReadOnlyList<string> Overrides,
    [property: Id(3)] ExperimentPhase Phase,
    [property: Id(4)] double ValidationAccuracy,
    [property: Id(5)] double TestAccuracy,
    [property: Id(6)] double Seconds,
    [property: Id(7)] double BestSoFar,
    [property: Id(8)] int FinishOrder);
