namespace FedOrleans.Contracts;

/// <summary>Provider, grain type and meter names, in one place.</summary>
public static class FedOrleansNames
{
    /// <summary>Grain storage for experiment and client state.</summary>
    public const string StateStorage = "fedorleans";

    /// <summary>The reminder that revives a running experiment whose grain was deactivated or whose silo died.</summary>
    public const string ResumeReminder = "resume";

    /// <summary>The OpenTelemetry meter of FedOrleans' own metrics.</summary>
    public const string Meter = "FedOrleans";

    /// <summary>Silo metadata key: the device the silo trains on (<c>cpu</c> or <c>cuda</c>); the GPU placement filter reads it.</summary>
    public const string DeviceMetadata = "fedorleans-device";

    /// <summary>Silo metadata key: how many GPU jobs the silo runs at once.</summary>
    public const string GpuJobsMetadata = "fedorleans-gpu-jobs";

    /// <summary>Grain type of clients placed on any silo (the default <see cref="IClientGrain"/> implementation).</summary>
    public const string ClientGrainType = "client";

    /// <summary>Grain type of clients of experiments that ask for a GPU: placed only on silos whose <see cref="DeviceMetadata"/> is <c>cuda</c>.</summary>
    public const string GpuClientGrainType = "gpu-client";

    /// <summary>Grain type of language-model jobs (pre-training, GEM, adapters) placed on any silo (the default <see cref="ILanguageModelJobGrain"/> implementation).</summary>
    public const string JobGrainType = "job";

    /// <summary>Grain type of language-model jobs that ask for a GPU: only on silos whose <see cref="DeviceMetadata"/> is <c>cuda</c>.</summary>
    public const string GpuJobGrainType = "gpu-job";

    /// <summary>Grain type of embedding/generation requests on any silo.</summary>
    public const string InferenceGrainType = "inference";

    /// <summary>Grain type of embedding/generation requests that asked for a GPU silo.</summary>
    public const string GpuInferenceGrainType = "gpu-inference";
}
