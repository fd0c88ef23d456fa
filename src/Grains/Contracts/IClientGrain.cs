using Orleans.Concurrency;

namespace FedOrleans.Contracts;

/// <summary>One simulated client (key: <see cref="GrainKeys.Client"/>): its shard of the data and its private state.</summary>
/// <remarks>
/// Two implementations share this interface: <see cref="FedOrleansNames.ClientGrainType"/> (the default,
/// any silo) and <see cref="FedOrleansNames.GpuClientGrainType"/> (GPU silos only); <see cref="GrainKeys.ClientGrain"/> picks one.
/// </remarks>
[Alias("fedorleans.IClientGrain")]
[Orleans.Metadata.DefaultGrainType(FedOrleansNames.ClientGrainType)]
public interface IClientGrain : IGrainWithStringKey
{
    [Alias("FitAsync")]
    Task<FitResult> FitAsync(FitRequest request, CancellationToken cancellationToken);

    /// <summary>Graph experiments: evaluates the client's model given the global weights on its own validation and test nodes.</summary>
    [Alias("EvaluateAsync")]
    Task<ClientEvaluation> EvaluateAsync(byte[] globalWeights, CancellationToken cancellationToken);

    [Alias("GetInfoAsync"), AlwaysInterleave]
    Task<ClientInfo> GetInfoAsync();
}
