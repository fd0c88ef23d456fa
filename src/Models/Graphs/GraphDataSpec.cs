namespace FedOrleans.Models.Graphs;

/// <summary>
/// Which graph to load and how: its features, whether feature rows are normalised to sum 1, and for
/// graphs without a standard split (all but Cora) the seeded, class-stratified split fractions.
/// </summary>
public sealed record GraphDataSpec(
    GraphDatasetName Name,
    GraphFeatureKind Features = GraphFeatureKind.Native,
    bool NormaliseFeatures = true,
    double TrainFraction = 0.1,
    double ValidationFraction = 0.1,
    int SplitSeed = 0);
