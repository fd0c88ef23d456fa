using Orleans.Concurrency;

namespace FedOrleans.Contracts;

/// <summary>The list of experiment ids started on this cluster (a single grain, key <see cref="Key"/>).</summary>
[Alias("fedorleans.IExperimentRegistryGrain")]
public interface IExperimentRegistryGrain : IGrainWithStringKey
{
    public const string Key = "all";

    [Alias("AddAsync")]
    Task AddAsync(string experimentId);

    [Alias("ListAsync"), AlwaysInterleave]
    Task<IReadOnlyList<string>> ListAsync();
}
