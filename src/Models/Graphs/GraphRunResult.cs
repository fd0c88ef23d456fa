namespace FedOrleans.Models.Graphs;

/// <summary>A finished graph experiment: its rounds, the final accuracies, and the federation's per-client statistics (CSV).</summary>
public sealed record GraphRunResult(IReadOnlyList<GraphRoundResult> Rounds, double ValidationAccuracy, double TestAccuracy, string ClientStatisticsCsv, int CutEdges);
