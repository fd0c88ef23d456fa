using System.Security.Cryptography.X509Certificates;
using FedOrleans.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace FedOrleans.Client.Connection;

/// <summary>
/// The console's way into a cluster: either an embedded silo in this process (no address given)
/// or an Orleans client connected to a silo gateway.
/// </summary>
public sealed class ClusterConnection : IAsyncDisposable
{
    /// <summary>Connection attempts, a second apart, before the console gives up on a cluster address.</summary>
    public const int ConnectAttempts = 5;

    private readonly IHost _host;

    private ClusterConnection(IHost host, IClusterClient client, string description, string? dashboard)
    {
        _host = host;
        Client = client;
        Description = description;
        Dashboard = dashboard;
    }

    public IClusterClient Client { get; }

    /// <summary>"embedded silo" or the gateway address, for messages.</summary>
    public string Description { get; }

    /// <summary>The dashboard URL of the embedded silo, when there is one.</summary>
    public string? Dashboard { get; }

    public bool IsEmbedded => Dashboard is not null;

    /// <summary>Starts a silo in this process on free ports, with the dashboard on loopback.</summary>
    /// <param name="dataRoot">The dataset cache, or null for the default.</param>
    /// <param name="ct">Cancels the start.</param>
    /// <param name="device"><c>cpu</c> or <c>cuda</c>.</param>
    /// <param name="concurrentFits">Fits at once; 0 for the processor count.</param>
    public static async Task<ClusterConnection> StartEmbeddedAsync(string? dataRoot, CancellationToken ct, string device = "cpu", int concurrentFits = 0)
    {
        var app = FedOrleansHost.Build([], (hosting, training) =>
        {
            hosting.SiloPort = FedOrleansHost.FreeTcpPort();
            hosting.GatewayPort = FedOrleansHost.FreeTcpPort();
            hosting.HttpPort = 0;
            if (dataRoot is not null)
            {
                training.DataRoot = dataRoot;
            }
            training.Device = device;
            if (concurrentFits > 0)
            {
                training.ConcurrentFits = concurrentFits;
            }
        }, quiet: true);
        await app.StartAsync(ct);
        return new ClusterConnection(app, app.Services.GetRequiredService<IClusterClient>(), "embedded silo", FedOrleansHost.HttpAddress(app) + "/dashboard/");
    }

    /// <summary>Connects to a running cluster; a clear error if nothing answers there.</summary>
    public static async Task<ClusterConnection> ConnectAsync(ClusterAddress address, CancellationToken ct)
    {
        var endpoint = address.Redis ? null : await address.ResolveAsync(ct);
        X509Certificate2? tls;
        try
        {
            tls = ClusterTls.FromEnvironment();
        }
        catch (ArgumentException e)
        {
            throw new ClusterUnavailableException($"TLS: {e.Message}");
        }
        int attempts = 0;
        var builder = Host.CreateApplicationBuilder([]);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Orleans", LogLevel.Error);
        builder.UseOrleansClient(client =>
        {
            if (endpoint is null)
            {
                client.UseRedisClustering(o => o.ConfigurationOptions = FedOrleansSiloBuilderExtensions.RedisOptions($"{address.Host}:{address.Port}"));
            }
            else
            {
                client.UseStaticClustering(endpoint);
            }
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = new SiloHostingOptions().ClusterId;
                o.ServiceId = new SiloHostingOptions().ServiceId;
            });
            client.Configure<MessagingOptions>(o => o.ResponseTimeout = FedOrleansSiloBuilderExtensions.ResponseTimeout);
            if (tls is not null)
            {
                client.UseTls(tls, o => ClusterTls.Configure(o, tls));
            }
            // A few quick retries (a silo that is still starting), then a clear error instead of minutes of waiting.
            client.UseConnectionRetryFilter(async (_, token) =>
            {
                if (++attempts > ConnectAttempts)
                {
                    return false;
                }
                await Task.Delay(TimeSpan.FromSeconds(1), token);
                return true;
            });
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            host.Dispose();
            throw new ClusterUnavailableException(
                $"no FedOrleans cluster answered at {address} ({e.GetType().Name}: {e.Message}). Start a silo with `dotnet run --project src/Silo`, or leave out --cluster to run embedded.{(tls is null ? "" : $" TLS is on ({ClusterTls.CertificateVariable}): the silos must use the same certificate.")}");
        }
        return new ClusterConnection(host, host.Services.GetRequiredService<IClusterClient>(), $"cluster at {address}", null);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            _host.Dispose();
        }
    }
}
