namespace FedOrleans.Contracts;

/// <summary>
/// One finished round. <see cref="Accepted"/> is false when the round was void (too few results); the
/// global model is then unchanged and <see cref="Status"/> says why. Metrics not computed this round are NaN;
/// <see cref="ValidationAccuracy"/> is measured by graph experiments only (the tuner's objective).
/// </summary>
[GenerateSerializer, Immutable, Alias("fedorleans.RoundSummary")]
public sealed record RoundSummary(
    [property: Id(0)] int Round,
    [property: Id(1)] int Sampled,
    [property: Id(2)] int Received,
    [property: Id(3)] int Failed,
    [property: Id(4)] bool Accepted,
    [property: Id(5)] string Status,
    [property: Id(6)] double TestAccuracy,
    [property: Id(7)] double TestLoss,
    [property: Id(8)] double TrainLoss,
    [property: Id(9)] double Seconds,
    [property: Id(10)] int AggregatedSamples,
    [property: Id(11)] IReadOnlyList<ClientFailureWire> Failures,
    [property: Id(12)] double ValidationAccuracy = double.NaN);
