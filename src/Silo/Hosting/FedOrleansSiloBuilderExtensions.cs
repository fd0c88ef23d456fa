using FedOrleans.Contracts;
using FedOrleans.Grains.Federation;
using FedOrleans.Grains.Placement;
using FedOrleans.Grains.Telemetry;
using FedOrleans.Grains.Training;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Placement;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace FedOrleans.Silo.Hosting;

/// <summary>Wires FedOrleans into a silo: grain storage, reminders, the training gate and shared data.</summary>
public static class FedOrleansSiloBuilderExtensions
{
    /// <summary>Calls to clients may run as long as a round; the round deadline, not Orleans, bounds them.</summary>
    public static readonly TimeSpan ResponseTimeout = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Adds FedOrleans to a silo (clustering is the caller's choice: localhost, a test cluster, Redis...).
    /// </summary>
    /// <param name="silo">The silo.</param>
    /// <param name="configure">Training options.</param>
    /// <param name="redis">A Redis connection (HOST:PORT) for grain state and reminders; null keeps them in memory.</param>
    /// <param name="metadata">
    /// Extra silo metadata, on top of what the training options advertise (<see cref="FedOrleansNames.DeviceMetadata"/>,
    /// <see cref="FedOrleansNames.GpuJobsMetadata"/>); a key given here wins.
    /// </param>
    public static ISiloBuilder AddFedOrleans(this ISiloBuilder silo, Action<TrainingOptions>? configure = null, string? redis = null,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        if (redis is null)
        {
            silo.AddMemoryGrainStorage(FedOrleansNames.StateStorage);
            // Orleans' binary serializer instead of the default JSON one: an experiment writes its state every round,
            // and JSON (its weights as base64, its history as text) was a millisecond of every short round (B1 whole
            // process, farm-bench, 10 pairs alternated: wall 0.95x).
            silo.Services.AddOptions<MemoryGrainStorageOptions>(FedOrleansNames.StateStorage)
                .Configure<Orleans.Serialization.Serializer>((o, serializer) => o.GrainStorageSerializer = new Orleans.Storage.OrleansGrainStorageSerializer(serializer));
            silo.UseInMemoryReminderService();
        }
        else
        {
            // State that must outlive a silo: experiments (every round), client duals, reminders that revive experiments.
            silo.AddRedisGrainStorage(FedOrleansNames.StateStorage, o => o.ConfigurationOptions = RedisOptions(redis));
            silo.UseRedisReminderService(o => o.ConfigurationOptions = RedisOptions(redis));
        }
        silo.Configure<MessagingOptions>(o => o.ResponseTimeout = ResponseTimeout);
        // Calls between grains (a long fit, the coordinator waiting on it) use the silo's own options type.
        silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = ResponseTimeout);
        var options = silo.Services.AddOptions<TrainingOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }
        options.ValidateOnStart();
        silo.Services.AddSingleton<IValidateOptions<TrainingOptions>, TrainingOptionsValidator>();
        silo.Services.AddSingleton<TrainingGate>();
        silo.Services.AddSingleton<CohortScheduler>();
        silo.Services.AddSingleton<GpuJobSlots>();
        silo.Services.AddMetrics();
        silo.Services.AddSingleton<FedOrleansMetrics>();

        // GPU-aware placement: every silo publishes its device in Orleans' silo metadata; GPU client grains
        // (and GPU jobs) carry a placement filter that keeps only the silos publishing "cuda".
        var advertised = new TrainingOptions();
        configure?.Invoke(advertised);
        var published = new Dictionary<string, string>
        {
            [FedOrleansNames.DeviceMetadata] = advertised.Device,
            [FedOrleansNames.GpuJobsMetadata] = advertised.GpuJobs.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            published[key] = value;
        }
        silo.UseSiloMetadata(published);
        silo.Services.AddPlacementFilter<GpuPlacementFilterStrategy, GpuPlacementFilterDirector>(ServiceLifetime.Singleton);
        silo.Services.AddSingleton<GpuSilos>();
        silo.Services.AddSingleton<DatasetStore>();
        silo.Services.AddSingleton<WorkloadCache>();
        silo.Services.AddHostedService<TorchStartup>();
        return silo;
    }

    /// <summary>StackExchange.Redis options for HOST:PORT; connection retries are left on so a restarting Redis is waited for.</summary>
    public static StackExchange.Redis.ConfigurationOptions RedisOptions(string hostPort)
    {
        var options = StackExchange.Redis.ConfigurationOptions.Parse(hostPort);
        options.AbortOnConnectFail = false;
        return options;
    }
}
