namespace FedOrleans.Models.Data;

/// <summary>What the catalog knows about a dataset: where it comes from (a package, or other datasets) and what it must look like.</summary>
public sealed record CatalogEntry(
    DatasetName Name,
    string Key,
    string Description,
    string License,
    PackageSource? Source,
    IReadOnlyList<DataFile> Files,
    int TrainCount,
    int TestCount,
    int NumClasses,
    int Channels,
    int Height,
    int Width)
{
    /// <summary>Datasets this one is built from (MNIST-M from MNIST and photos); empty for fetched datasets.</summary>
    public IReadOnlyList<DatasetName> DerivedFrom { get; init; } = [];

    public bool IsDerived => DerivedFrom.Count > 0;

    /// <summary>False for file collections (photos) that are inputs to other datasets, not training sets.</summary>
    public bool IsTrainingSet => TrainCount > 0;

    public string Origin => Source?.ToString() ?? "built from " + string.Join(" + ", DerivedFrom.Select(d => DatasetCatalog.Get(d).Key));
}
