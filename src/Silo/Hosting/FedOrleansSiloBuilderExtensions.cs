using FedOrleans.Contracts;
using FedOrleans.Grains.Federation;
using FedOrleans.Grains.Training;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace FedOrleans.Silo.Hosting;

/// <summary>Wires FedOrleans into a silo: grain storage, progress streams, reminders, the training gate and shared data.</summary>
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
    public static ISiloBuilder AddFedOrleans(this ISiloBuilder silo, Action<TrainingOptions>? configure = null, string? redis = null)
    {
        if (redis is null)
        {
            silo.AddMemoryGrainStorage(FedOrleansNames.StateStorage);
            silo.AddMemoryGrainStorage(FedOrleansNames.PubSubStorage);
            silo.UseInMemoryReminderService();
        }
        else
        {
            // State that must outlive a silo: experiments (every round), client duals, reminders that revive experiments.
            silo.AddRedisGrainStorage(FedOrleansNames.StateStorage, o => o.ConfigurationOptions = RedisOptions(redis));
            silo.AddRedisGrainStorage(FedOrleansNames.PubSubStorage, o => o.ConfigurationOptions = RedisOptions(redis));
            silo.UseRedisReminderService(o => o.ConfigurationOptions = RedisOptions(redis));
        }
        silo.AddMemoryStreams(FedOrleansNames.StreamProvider);
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
        silo.Services.AddSingleton<DatasetStore>();
        silo.Services.AddSingleton<FederationCache>();
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
