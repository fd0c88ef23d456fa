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

    private ClusterConnection(IHost host, IClusterClient client, string description, string? dashboard, string? logFile = null)
    {
        _host = host;
        Client = client;
        Description = description;
        Dashboard = dashboard;
        LogFile = logFile;
    }

    public IClusterClient Client { get; }

    /// <summary>"embedded silo" or the gateway address, for messages.</summary>
    public string Description { get; }

    /// <summary>The dashboard URL of the embedded silo, when there is one.</summary>
    public string? Dashboard { get; }

    public bool IsEmbedded => Dashboard is not null;

    /// <summary>The embedded silo's log file (Orleans' own records go there, not to the terminal).</summary>
    public string? LogFile { get; }

    /// <summary>How long the console waits for a Redis membership store to accept a connection.</summary>
    public static readonly TimeSpan RedisConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Starts a silo in this process on free ports, with the dashboard on loopback.</summary>
    /// <param name="dataRoot">The dataset cache, or null for the default.</param>
    /// <param name="ct">Cancels the start.</param>
    /// <param name="device"><c>cpu</c> or <c>cuda</c>.</param>
    /// <param name="concurrentFits">Fits at once; 0 for the processor count.</param>
    /// <param name="logFile">The silo's log file; by default <c>logs/</c> in the dataset cache, one file per process.</param>
    /// <param name="prefetch">Image datasets the silo starts loading while it starts (already fetched into the cache).</param>
    public static async Task<ClusterConnection> StartEmbeddedAsync(string? dataRoot, CancellationToken ct, string device = "cpu", int concurrentFits = 0, string? logFile = null,
        IReadOnlyCollection<FedOrleans.Models.Data.DatasetName>? prefetch = null)
    {
        logFile ??= Path.Combine(dataRoot ?? FedOrleans.Models.Data.DataCache.Default.Root, "logs",
            $"embedded-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}.log");
        int siloPort = FedOrleansHost.FreeTcpPort(), gatewayPort = FedOrleansHost.FreeTcpPort();
        var app = FedOrleansHost.Build([], hosting =>
        {
            hosting.SiloPort = siloPort;
            hosting.GatewayPort = gatewayPort;
            hosting.HttpPort = 0;
            hosting.DirectoryCacheSize = 0; // alone in its cluster: every grain is looked up in its own directory
        }, training =>
        {
            if (dataRoot is not null)
            {
                training.DataRoot = dataRoot;
            }
            training.Device = device;
            training.CheckpointEvery = FedOrleans.Grains.Training.TrainingOptions.EmbeddedCheckpointEvery;
            training.CollectBeforeFirstRound = true;
            if (concurrentFits > 0)
            {
                training.ConcurrentFits = concurrentFits;
            }
        }, logFile: logFile);
        var datasets = app.Services.GetRequiredService<FedOrleans.Grains.Federation.DatasetStore>();
        foreach (var name in prefetch ?? [])
        {
            // Loads on the thread pool while the host starts; the first grain that needs it awaits the same task (an error
            // reaches it there, and the cache drops a failed load so that it is tried again).
            _ = Task.Run(() => datasets.GetAsync(name));
        }
        await app.StartAsync(ct);
        return new ClusterConnection(app, app.Services.GetRequiredService<IClusterClient>(), "embedded silo", FedOrleansHost.HttpAddress(app) + BackgroundRouteMapping.DashboardPrefix + "/", logFile);
    }

    /// <summary>Connects to a running cluster; a clear error if nothing answers there.</summary>
    public static async Task<ClusterConnection> ConnectAsync(ClusterAddress address, CancellationToken ct)
    {
        System.Net.IPEndPoint? endpoint;
        try
        {
            endpoint = await address.ResolveAsync(ct);
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or FormatException)
        {
            throw new ClusterUnavailableException($"no FedOrleans cluster at {address}: host '{address.Host}' does not resolve ({e.Message}); check the name, or leave out --cluster to run embedded");
        }
        if (address.Redis)
        {
            // A Redis client retries for minutes; a closed port or a silent host gets a clear answer in seconds.
            await CheckRedisAnswersAsync(address, endpoint, ct);
            endpoint = null;
        }
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
        // The client's own records (connection retries with stack traces) are not for the user: a failure
        // reaches the console as an exception and is reported in its words.
        builder.Logging.ClearProviders();
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
                $"no FedOrleans cluster answered at {address} ({e.Message.TrimEnd('.')}). Start a silo with `dotnet run --project src/Silo`, or leave out --cluster to run embedded.{(tls is null ? "" : $" TLS is on ({ClusterTls.CertificateVariable}): the silos must use the same certificate.")}");
        }
        return new ClusterConnection(host, host.Services.GetRequiredService<IClusterClient>(), $"cluster at {address}", null);
    }

    private static async Task CheckRedisAnswersAsync(ClusterAddress address, System.Net.IPEndPoint endpoint, CancellationToken ct)
    {
        using var socket = new System.Net.Sockets.Socket(endpoint.AddressFamily, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(RedisConnectTimeout);
        try
        {
            await socket.ConnectAsync(endpoint, timeout.Token);
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            throw new ClusterUnavailableException($"no Redis server answered at {address} ({(e is OperationCanceledException ? $"no answer within {RedisConnectTimeout.TotalSeconds:0} s" : e.Message)}). "
                + "A Redis-clustered FedOrleans needs redis-server there and silos started with --clustering redis --redis HOST:PORT; or leave out --cluster to run embedded.");
        }
    }

    private Task? _stopping;

    /// <summary>
    /// Starts stopping the connection (an embedded silo deactivates its grains and leaves; a client disconnects) while
    /// the caller goes on with work that needs no cluster; <see cref="DisposeAsync"/> waits for it.
    /// </summary>
    public void BeginShutdown() => _stopping ??= _host.StopAsync(TimeSpan.FromSeconds(10));

    public async ValueTask DisposeAsync()
    {
        try
        {
            BeginShutdown();
            await _stopping!;
        }
        finally
        {
            _host.Dispose();
        }
    }
}
