namespace FedOrleans.Models.Data;

/// <summary>A step of a dataset fetch, for progress displays. <paramref name="Fraction"/> is in [0, 1].</summary>
public sealed record FetchProgress(DatasetName Dataset, string Step, double Fraction);
