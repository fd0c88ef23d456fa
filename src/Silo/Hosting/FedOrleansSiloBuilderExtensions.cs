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
    public static ISiloBuilder AddFedOrleans(this ISiloBuilder silo, Action<TrainingOptions>? configure = null)
    {
        silo.AddMemoryGrainStorage(FedOrleansNames.StateStorage);
        silo.AddMemoryGrainStorage(FedOrleansNames.PubSubStorage);
        silo.AddMemoryStreams(FedOrleansNames.StreamProvider);
        silo.UseInMemoryReminderService();
        silo.Configure<MessagingOptions>(o => o.ResponseTimeout = ResponseTimeout);
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
}
