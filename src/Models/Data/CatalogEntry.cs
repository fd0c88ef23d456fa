namespace FedOrleans.Models.Data;

/// <summary>What the catalog knows about a dataset: where it comes from and what it must look like.</summary>
public sealed record CatalogEntry(
    DatasetName Name,
    string Key,
    string Description,
    string License,
    PackageSource Source,
    IReadOnlyList<DataFile> Files,
    int TrainCount,
    int TestCount,
    int NumClasses,
    int Channels,
    int Height,
    int Width);
