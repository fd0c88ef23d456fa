namespace FedOrleans.Models.Data;

/// <summary>The train and test parts of a dataset.</summary>
public sealed record DatasetSplits(Dataset Train, Dataset Test);
