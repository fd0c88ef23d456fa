using OpenTelemetry.Metrics;
using Orleans.Dashboard;

namespace FedOrleans.Silo.Hosting;

/// <summary>
/// Maps the routes that are slow to build, the Orleans dashboard and the Prometheus endpoint (<c>/metrics</c>), on a
/// thread-pool thread while the silo starts, instead of before it.
/// <para>
/// The dashboard's asset table reads and gzips every file the dashboard embeds (about 15 MB), 0.8-0.9 s of CPU on the
/// 2-core development machine. The Prometheus endpoint needs OpenTelemetry's meter provider, whose default resource
/// asks .NET for the process's name, and .NET reads every thread's <c>/proc</c> entry for it: 0.4 s of the host build
/// on that machine. On the main thread both came before Orleans could start, and so before every run's first round.
/// Here the meter provider is built on one thread-pool thread and the routes mapped on another, beside Orleans' own
/// start. The routes are in before anything can ask for them: <see cref="Gate"/> is registered after the silo's hosted
/// service and waits for the mapping, and the web server starts listening only after every hosted service has started.
/// Nothing else touches the application's routes meanwhile (every other route is mapped before
/// <see cref="MapWhileStarting"/> is called), and the routes are mapped one after another on one thread.
/// </para>
/// </summary>
public sealed class BackgroundRouteMapping
{
    private Task _mapped = Task.CompletedTask;

    /// <summary>Starts building the meter provider and mapping <c>/metrics</c> and <c>/dashboard</c>; call it after every other route is mapped, before the start.</summary>
    public void MapWhileStarting(WebApplication app)
    {
        var meters = Task.Run(() => app.Services.GetRequiredService<MeterProvider>());
        _mapped = Task.Run(async () =>
        {
            app.MapOrleansDashboard(routePrefix: "/dashboard");
            await meters;
            app.MapPrometheusScrapingEndpoint("/metrics");
        });
    }

    /// <summary>Holds the host's start until the routes are mapped (a failure to map fails the start).</summary>
    public sealed class Gate(BackgroundRouteMapping mapping) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => mapping._mapped.WaitAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
