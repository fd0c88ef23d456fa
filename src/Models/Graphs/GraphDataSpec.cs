namespace FedOrleans.Models.Graphs;

/// <summary>
/// Which graph to load and how: its features, whether feature rows are normalised to sum 1, and for
/// graphs without a standard split (all but the Planetoid ones) the seeded, class-stratified split fractions.
/// <see cref="PlanetoidName"/> names the files of a <see cref="GraphDatasetName.Planetoid"/> dataset.
/// </summary>
public sealed record GraphDataSpec(
    GraphDatasetName Name,
    GraphFeatureKind Features = GraphFeatureKind.Native,
    bool NormaliseFeatures = true,
    double TrainFraction = 0.1,
    double ValidationFraction = 0.1,
    int SplitSeed = 0,
    string? PlanetoidName = null)
{
    /// <summary>The file name stem of a Planetoid-layout dataset (<c>ind.{stem}.*</c>), or null for the other graphs.</summary>
    public string? PlanetoidStem => Name switch
    {
        GraphDatasetName.Cora => "cora",
        GraphDatasetName.Citeseer => "citeseer",
        GraphDatasetName.Pubmed => "pubmed",
        GraphDatasetName.Planetoid => PlanetoidName ?? throw new InvalidOperationException("a Planetoid graph dataset needs its name"),
        _ => null,
    };

    /// <summary>True for the graph-tool collection's networks, which are fetched into the data cache.</summary>
    public bool FromGraphTool => Name is GraphDatasetName.Polblogs or GraphDatasetName.Polbooks or GraphDatasetName.Football;
}
