namespace FedOrleans.Contracts;

/// <summary>
/// A client's evaluation of its own model on its own nodes (graph experiments, where the personalised or
/// private parts never leave the client): correct predictions and counts on its validation and test nodes.
/// </summary>
[GenerateSerializer, Immutable, Alias("fedorleans.ClientEvaluation")]
public sealed record ClientEvaluation(
    [property: Id(0)] int ValidationCorrect,
    [property: Id(1)] int ValidationCount,
    [property: Id(2)] int TestCorrect,
    [property: Id(3)] int TestCount,
    [property: Id(4)] double TestLossSum);
