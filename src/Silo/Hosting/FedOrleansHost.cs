using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using FedOrleans.Grains.Training;
using FedOrleans.Models.Torch;
using FedOrleans.Silo.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;
using OpenTelemetry.Metrics;

namespace FedOrleans.Silo.Hosting;

/// <summary>
/// Builds a FedOrleans silo as a web application: Orleans with localhost clustering, the Orleans
/// dashboard at <c>/dashboard</c> and <c>/healthz</c>. Used by the silo program and by the console's
/// embedded mode.
/// </summary>
public static class FedOrleansHost
{
    /// <summary>The most tag sets each metric stream of the silo's /metrics keeps (OpenTelemetry's default: 2,000).</summary>
    public const int MetricCardinalityLimit = 256;

    /// <summary>Command-line switches of the silo and the configuration keys they set.</summary>
    public static readonly IReadOnlyDictionary<string, string> Switches = new Dictionary<string, string>
    {
        ["--device"] = $"{TrainingOptions.Section}:Device",
        ["--threads"] = $"{TrainingOptions.Section}:TorchThreads",
        ["--concurrent-fits"] = $"{TrainingOptions.Section}:ConcurrentFits",
        ["--gpu-jobs"] = $"{TrainingOptions.Section}:GpuJobs",
        ["--max-cohort"] = $"{TrainingOptions.Section}:MaxCohort",
        ["--cohort-window-ms"] = $"{TrainingOptions.Section}:CohortWindowMs",
        ["--checkpoint-every"] = $"{TrainingOptions.Section}:CheckpointEvery",
        ["--data"] = $"{TrainingOptions.Section}:DataRoot",
        ["--jobs"] = $"{TrainingOptions.Section}:JobsRoot",
        ["--port"] = $"{SiloHostingOptions.Section}:SiloPort",
        ["--gateway-port"] = $"{SiloHostingOptions.Section}:GatewayPort",
        ["--http-port"] = $"{SiloHostingOptions.Section}:HttpPort",
        ["--http-address"] = $"{SiloHostingOptions.Section}:HttpAddress",
        ["--primary-port"] = $"{SiloHostingOptions.Section}:PrimarySiloPort",
        ["--cluster-id"] = $"{SiloHostingOptions.Section}:ClusterId",
        ["--clustering"] = $"{SiloHostingOptions.Section}:Clustering",
        ["--redis"] = $"{SiloHostingOptions.Section}:Redis",
        ["--advertise"] = $"{SiloHostingOptions.Section}:AdvertisedAddress",
        ["--dashboard-user"] = $"{SiloHostingOptions.Section}:DashboardUser",
        ["--dashboard-password"] = $"{SiloHostingOptions.Section}:DashboardPassword",
        ["--tls-certificate"] = $"{SiloHostingOptions.Section}:TlsCertificate",
        ["--tls-password"] = $"{SiloHostingOptions.Section}:TlsPassword",
        ["--directory-cache"] = $"{SiloHostingOptions.Section}:DirectoryCacheSize",
    };

    /// <param name="args">Silo command-line arguments (see <see cref="Switches"/>).</param>
    /// <param name="configureHosting">Overrides of the bound hosting options (the console's embedded mode sets the free ports it
    /// picked). It may run more than once, so it must set values, not pick them.</param>
    /// <param name="configureTraining">Overrides of the bound training options (the embedded silo's data folder and device); the same rule.</param>
    /// <param name="logFile">Write the log to this file instead of the terminal (the console's embedded silo: the
    /// terminal shows the console's own progress and table, nothing else).</param>
    public static WebApplication Build(string[] args, Action<SiloHostingOptions>? configureHosting = null, Action<TrainingOptions>? configureTraining = null,
        string? logFile = null)
    {
        CheckArguments(args);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            // No appsettings file is read, so nothing is watched for changes, and the content root is the binary's
            // folder: by default it is the working directory, and the host then watched every folder below it (from the
            // repository root: .git, bin, obj and node_modules, 850 folders, about 0.35 s of every start).
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddCommandLine(args, Switches.ToDictionary());
        // Both option types are registered the .NET way: AddOptions().Configure(bind the section, then the overrides), a
        // validator, ValidateOnStart.
        // Building the host needs their values first (clustering, ports, device), so they are also read here once, through
        // the same binding, overrides and validators: bad values stop the start with the validators' messages.
        var hostingSection = builder.Configuration.GetSection(SiloHostingOptions.Section);
        CheckClustering(hostingSection);
        void ConfigureHosting(SiloHostingOptions o)
        {
            hostingSection.Bind(o);
            configureHosting?.Invoke(o);
        }
        builder.Services.AddOptions<SiloHostingOptions>().Configure(ConfigureHosting).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SiloHostingOptions>, SiloHostingOptionsValidator>();
        var hosting = Read<SiloHostingOptions>(ConfigureHosting, new SiloHostingOptionsValidator());
        var trainingSection = builder.Configuration.GetSection(TrainingOptions.Section);
        void ConfigureTraining(TrainingOptions o)
        {
            trainingSection.Bind(o);
            configureTraining?.Invoke(o);
        }
        var training = Read<TrainingOptions>(ConfigureTraining, new TrainingOptionsValidator());
        CheckPortsAreFree(hosting);
        var tls = hosting.TlsCertificate.Length > 0
            ? ClusterTls.Load(hosting.TlsCertificate, hosting.TlsPassword, "--tls-certificate (FedOrleans:Silo:TlsCertificate)")
            : null;
        bool kubernetes = hosting.Clustering == ClusteringKind.Kubernetes;
        bool redis = hosting.Clustering == ClusteringKind.Redis || kubernetes;
        builder.UseOrleans(silo =>
        {
            if (redis)
            {
                silo.UseRedisClustering(o => o.ConfigurationOptions = FedOrleansSiloBuilderExtensions.RedisOptions(hosting.Redis));
                if (kubernetes)
                {
                    // Pod name, namespace, IP and the cluster/service ids come from the downward API
                    // (POD_NAME, POD_NAMESPACE, POD_IP, ORLEANS_CLUSTER_ID, ORLEANS_SERVICE_ID: k8s/base).
                    silo.UseKubernetesHosting();
                }
                else
                {
                    silo.Configure<ClusterOptions>(o =>
                    {
                        o.ClusterId = hosting.ClusterId;
                        o.ServiceId = hosting.ServiceId;
                    });
                    silo.ConfigureEndpoints(IPAddress.Parse(hosting.AdvertisedAddress), hosting.SiloPort, hosting.GatewayPort, listenOnAnyHostAddress: hosting.AdvertisedAddress != "127.0.0.1");
                }
            }
            else
            {
                silo.UseLocalhostClustering(hosting.SiloPort, hosting.GatewayPort,
                    hosting.PrimarySiloPort > 0 ? new IPEndPoint(IPAddress.Loopback, hosting.PrimarySiloPort) : null,
                    hosting.ServiceId, hosting.ClusterId);
            }
            silo.AddFedOrleans(ConfigureTraining, redis ? hosting.Redis : null);
            silo.Configure<GrainDirectoryOptions>(o =>
            {
                if (hosting.DirectoryCacheSize == 0)
                {
                    o.CachingStrategy = GrainDirectoryOptions.CachingStrategyType.None;
                    // Orleans also builds a cache, of this size, for grains kept in a custom grain directory; FedOrleans
                    // registers none, and the size cannot be 0.
                    o.CacheSize = 64;
                }
                else
                {
                    o.CacheSize = hosting.DirectoryCacheSize;
                }
            });
            silo.AddDashboard(o => o.CounterUpdateIntervalMs = 1000);
            if (tls is not null)
            {
                silo.UseTls(tls, o => ClusterTls.Configure(o, tls));
            }
        });
        // /metrics is mapped while Orleans starts and the dashboard on its first request (BackgroundRouteMapping); its gate, registered
        // after the silo's hosted service, holds the start until /metrics is in, and the web server only listens after every hosted service started.
        var slowRoutes = new BackgroundRouteMapping();
        builder.Services.AddSingleton(slowRoutes);
        builder.Services.AddHostedService<BackgroundRouteMapping.Gate>();
        // FedOrleans' meter and Orleans' own, scraped by Prometheus at /metrics. Each instrument's stream holds one slot per
        // distinct set of tags, allocated up front: OpenTelemetry's default of 2,000 allocated ~18 MB of slots at every silo's
        // start (allocation events of a B1 run), for instruments whose tags take a handful of values (silo, grain type,
        // direction). Measurements with tag sets beyond the limit go to OpenTelemetry's overflow series.
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(FedOrleans.Contracts.FedOrleansNames.Meter, "Microsoft.Orleans")
            .AddView(_ => new MetricStreamConfiguration { CardinalityLimit = MetricCardinalityLimit })
            .AddPrometheusExporter());
        // Port 0: the web server binds a free port itself when it starts (HttpAddress then reports it). A port picked free
        // here and bound a second later could be taken in between, e.g. by another silo starting beside this one.
        builder.WebHost.UseUrls($"http://{hosting.HttpAddress}:{hosting.HttpPort}");
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        if (logFile is not null)
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(new FileLoggerProvider(logFile));
        }
        WatchdogFalseAlarmFilter.Apply(builder.Logging);
        if (training.Device != "cuda")
        {
            // libtorch loads while the host starts (TorchStartup waits for it): about a second less to the first round.
            TorchRuntime.StartLoading();
        }
        var app = builder.Build();
        if (!IPAddress.IsLoopback(IPAddress.TryParse(hosting.HttpAddress, out var bound) ? bound : IPAddress.Any) && hosting.DashboardPassword.Length == 0)
        {
            Console.Error.WriteLine($"WARNING: /dashboard and /federation are served on {hosting.HttpAddress} WITHOUT authentication: anyone who can reach this "
                + "machine sees every experiment and can drive the dashboard. Set --dashboard-user NAME and the environment variable "
                + "FedOrleans__Silo__DashboardPassword, or keep --http-address 127.0.0.1 (the default).");
        }
        if (hosting.DashboardPassword.Length > 0)
        {
            app.UseMiddleware<BasicAuthentication>(hosting.DashboardUser, hosting.DashboardPassword, BackgroundRouteMapping.DashboardPrefix);
            app.UseMiddleware<BasicAuthentication>(hosting.DashboardUser, hosting.DashboardPassword, FederationPage.Prefix);
        }
        app.MapFederationPage();
        app.MapGet("/healthz", (TrainingGate gate, CohortScheduler cohorts, ILocalSiloDetails silo) => Results.Text(JsonSerializer.Serialize(new
        {
            status = "ok",
            silo = silo.SiloAddress.ToString(),
            torch = TorchRuntime.Describe(),
            fits = new { capacity = gate.Capacity, running = gate.Running, waiting = gate.Waiting },
            cohorts = new { trained = cohorts.Trained.Cohorts, clients = cohorts.Trained.Clients },
        }), "application/json"));
        slowRoutes.MapWhileStarting(app); // /dashboard (on its first request) and /metrics
        return app;
    }

    /// <summary>The HTTP base address the application listens on, once started.</summary>
    public static string HttpAddress(WebApplication app) => app.Urls.FirstOrDefault() ?? "";

    /// <summary>A TCP port that is free right now on loopback.</summary>
    public static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>An unknown <c>--clustering</c> value, named, instead of the binder's message about an enum.</summary>
    private static void CheckClustering(IConfigurationSection section)
    {
        string? clustering = section[nameof(SiloHostingOptions.Clustering)];
        if (clustering is not null && !Enum.TryParse<ClusteringKind>(clustering, ignoreCase: true, out _))
        {
            throw new ArgumentException($"--clustering (FedOrleans:Silo:Clustering) is '{clustering}'; allowed: localhost, redis, kubernetes");
        }
    }

    /// <summary>
    /// Options needed before the host exists, made by the same configure action the host registers and checked by the
    /// same validator; failures become one <see cref="ArgumentException"/> naming each bad key.
    /// </summary>
    private static T Read<T>(Action<T> configure, IValidateOptions<T> validator) where T : class, new()
    {
        var options = new T();
        configure(options);
        var result = validator.Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new ArgumentException(string.Join("; ", result.Failures ?? [result.FailureMessage]));
        }
        return options;
    }

    /// <summary>Names a configured port that another process already listens on, instead of a stack trace at start.</summary>
    private static void CheckPortsAreFree(SiloHostingOptions hosting)
    {
        foreach (var (port, option, key) in new[]
        {
            (hosting.SiloPort, "--port", "SiloPort"),
            (hosting.GatewayPort, "--gateway-port", "GatewayPort"),
            (hosting.HttpPort, "--http-port", "HttpPort"),
        })
        {
            if (port == 0)
            {
                continue;
            }
            var probe = new TcpListener(IPAddress.Any, port);
            try
            {
                probe.Start();
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
            {
                throw new ArgumentException($"port {port} ({option}, FedOrleans:Silo:{key}) is {(e.SocketErrorCode == SocketError.AccessDenied ? "not allowed for this user" : "already in use on this machine")}; "
                    + $"choose another with {option} N, or stop the process listening there (`ss -ltnp 'sport = :{port}'` shows it)");
            }
            finally
            {
                probe.Stop();
            }
        }
    }

    private static void CheckArguments(string[] args)
    {
        for (int i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            var name = arg.Split('=', 2)[0];
            if (!Switches.ContainsKey(name))
            {
                throw new ArgumentException($"unknown silo option '{arg}'; allowed: {string.Join(", ", Switches.Keys)} (each followed by a value)");
            }
            if (!arg.Contains('=') && (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal)))
            {
                throw new ArgumentException($"silo option {name} needs a value, e.g. {name} {(name == "--device" ? "cpu" : "4")}");
            }
            if (!arg.Contains('='))
            {
                i++;
            }
        }
    }
}
