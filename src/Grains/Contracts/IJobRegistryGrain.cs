namespace FedOrleans.Contracts;

/// <summary>
/// The jobs of the cluster (a single grain, key <see cref="Key"/>): starts a job on the right kind of silo
/// (GPU or not, from the spec's <c>gpu</c> and the silos' metadata) and remembers which, so any caller finds it.
/// </summary>
[Alias("fedorleans.IJobRegistryGrain")]
public interface IJobRegistryGrain : IGrainWithStringKey
{
    public const string Key = "all";

    /// <summary>Starts job <paramref name="jobId"/>; a clear error when it asks for a GPU the cluster does not have.</summary>
    [Alias("StartAsync")]
    Task<JobStatus> StartAsync(string jobId, string specYaml);

    /// <summary>The job's grain reference, or null for an id nobody started.</summary>
    [Alias("FindAsync")]
    Task<ILanguageModelJobGrain?> FindAsync(string jobId);

    /// <summary>The silos that advertise a GPU right now.</summary>
    [Alias("GpuSilosAsync")]
    Task<IReadOnlyList<string>> GpuSilosAsync();

    [Alias("ListAsync")]
    Task<IReadOnlyList<string>> ListAsync();
}
