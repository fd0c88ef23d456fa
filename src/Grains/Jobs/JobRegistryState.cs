namespace FedOrleans.Grains.Jobs;

/// <summary>The job registry's persisted state.</summary>
[GenerateSerializer, Alias("fedorleans.JobRegistryState")]
public sealed class JobRegistryState
{
    /// <summary>Job id to whether it runs as a GPU job.</summary>
    [Id(0)] public Dictionary<string, bool> Jobs { get; set; } = [];
}
