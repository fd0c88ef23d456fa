using System.Globalization;
using Orleans.Runtime;

namespace FedOrleans.Contracts;

/// <summary>The one place grain keys are made and read: experiment <c>quickstart</c>, client <c>quickstart/0007</c>, trial <c>tune-t007</c>.</summary>
public static class GrainKeys
{
    public static string Experiment(string experimentId) => experimentId;

    public static string Client(string experimentId, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"{experimentId}/{index:D4}");

    /// <summary>The client grain of an experiment; <paramref name="gpu"/> selects the implementation placed on GPU silos only.</summary>
    public static IClientGrain ClientGrain(IGrainFactory grains, string experimentId, int index, bool gpu) =>
        gpu
            ? grains.GetGrain<IClientGrain>(GrainId.Create(FedOrleansNames.GpuClientGrainType, Client(experimentId, index)))
            : grains.GetGrain<IClientGrain>(Client(experimentId, index));

    /// <summary>The fine-tuning job grain; <paramref name="gpu"/> selects the implementation placed on GPU silos only.</summary>
    public static ILanguageModelJobGrain JobGrain(IGrainFactory grains, string jobId, bool gpu) =>
        gpu
            ? grains.GetGrain<ILanguageModelJobGrain>(GrainId.Create(FedOrleansNames.GpuJobGrainType, jobId))
            : grains.GetGrain<ILanguageModelJobGrain>(jobId);

    /// <summary>A fresh inference grain (one per request); <paramref name="gpu"/> selects the implementation placed on GPU silos only.</summary>
    public static IInferenceGrain InferenceGrain(IGrainFactory grains, bool gpu)
    {
        var key = Guid.NewGuid().ToString("N");
        return gpu
            ? grains.GetGrain<IInferenceGrain>(GrainId.Create(FedOrleansNames.GpuInferenceGrainType, key))
            : grains.GetGrain<IInferenceGrain>(key);
    }

    /// <summary>The experiment of a study's trial: <c>tune-cora-t007</c>.</summary>
    public static string Trial(string studyId, int number) =>
        string.Create(CultureInfo.InvariantCulture, $"{studyId}-t{number:D3}");

    /// <summary>Splits a client key into its experiment id and client index.</summary>
    public static (string ExperimentId, int Index) ParseClient(string key)
    {
        int slash = key.LastIndexOf('/');
        if (slash <= 0 || !int.TryParse(key.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            throw new ArgumentException($"'{key}' is not a client key of the form <experiment>/<index>");
        }
        return (key[..slash], index);
    }
}
