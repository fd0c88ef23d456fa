namespace FedOrleans.Contracts;

/// <summary>
/// Shows how a spec splits its data over the clients, before anything runs (<c>fedorleans data partition</c>): a silo
/// builds the spec's workload exactly as an experiment's silos would and describes its clients. Stateless: any silo
/// answers, and nothing is kept.
/// </summary>
[Alias("fedorleans.IPartitionGrain")]
public interface IPartitionGrain : IGrainWithIntegerKey
{
    /// <summary>The workload of <paramref name="specYaml"/> (overrides already applied) and its clients.</summary>
    /// <exception cref="SpecRefusedException">The spec or its split is invalid.</exception>
    /// <exception cref="DataUnavailableException">Its data cannot be fetched or read on the silo.</exception>
    [Alias("PreviewAsync")]
    Task<PartitionPreview> PreviewAsync(string specYaml);
}

/// <summary>A spec's split: the workload in one line, clients.csv, and a line of statistics.</summary>
[GenerateSerializer, Immutable, Alias("fedorleans.PartitionPreview")]
public sealed record PartitionPreview(
    [property: Id(0)] string Description,
    [property: Id(1)] string ClientsCsv,
    [property: Id(2)] string Summary);
