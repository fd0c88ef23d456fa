namespace FedOrleans.Contracts;

/// <summary>
/// What the live federation page shows of one experiment: its status, every finished round (accuracy and
/// loss curves), and each client's <see cref="ClientActivity"/> (one byte per client, by index).
/// </summary>
[GenerateSerializer, Immutable, Alias("fedorleans.ExperimentView")]
public sealed record ExperimentView(
    [property: Id(0)] ExperimentStatus Status,
    [property: Id(1)] string Strategy,
    [property: Id(2)] IReadOnlyList<RoundSummary> History,
    [property: Id(3)] byte[] ClientActivity,
    [property: Id(4)] bool GpuClients);
