namespace FedOrleans.Models.Graphs;

/// <summary>One round of a graph experiment: mean client training loss, and accuracy over all clients' owned validation and test nodes (NaN when not evaluated).</summary>
public sealed record GraphRoundResult(int Round, double TrainLoss, double ValidationAccuracy, double TestAccuracy);
