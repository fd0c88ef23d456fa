using OpenTelemetry.Metrics;
using Orleans.Dashboard;

namespace FedOrleans.Silo.Hosting;

/// <summary>
/// The routes that are slow to build: the Orleans dashboard, built on its first request, and the Prometheus endpoint
/// (<c>/metrics</c>), mapped on a thread-pool thread while the silo starts.
/// <para>
/// The dashboard's asset table reads and gzips every file the dashboard embeds (about 15 MB), 0.5-0.9 s of CPU on the
/// 2-core development machine. Built while the silo started (eighth session: off the main thread) it still took that
/// CPU from every console run's start, though most runs never open the page: B1 whole process 0.92x without it
/// (docs/benchmarks.md, eleventh session). So <c>/dashboard</c> is a branch of the pipeline of its own, with its own
/// routing, built the first time a request for it arrives (that request waits for it, once).
/// </para>
/// <para>
/// The Prometheus endpoint needs OpenTelemetry's meter provider, whose default resource asks .NET for the process's
/// name, and .NET reads every thread's <c>/proc</c> entry for it: 0.4 s of the host build on that machine. Here the
/// meter provider is built on a thread-pool thread and the route mapped beside Orleans' own start. The route is in
/// before anything can ask for it: <see cref="Gate"/> is registered after the silo's hosted service and waits for the
/// mapping, and the web server starts listening only after every hosted service has started. Nothing else touches the
/// application's routes meanwhile (every other route is mapped before <see cref="MapWhileStarting"/> is called).
/// </para>
/// </summary>
public sealed class BackgroundRouteMapping
{
    private Task _mapped = Task.CompletedTask;

    /// <summary>The dashboard's address on the silo's web server.</summary>
    public const string DashboardPrefix = "/dashboard";

    /// <summary>
    /// Adds <c>/dashboard</c> (built on its first request) to the pipeline and starts building the meter provider and
    /// mapping <c>/metrics</c>; call it after every other route and middleware, before the start.
    /// </summary>
    public void MapWhileStarting(WebApplication app)
    {
        var dashboard = new Lazy<RequestDelegate>(() => BuildDashboard(app), LazyThreadSafetyMode.ExecutionAndPublication);
        app.Use((context, next) => context.Request.Path.StartsWithSegments(DashboardPrefix) ? dashboard.Value(context) : next(context));
        _mapped = Task.Run(() =>
        {
            app.Services.GetRequiredService<MeterProvider>(); // built here, before the host's start asks for it
            app.MapPrometheusScrapingEndpoint("/metrics");
        });
    }

    /// <summary>The dashboard as a pipeline of its own: its own routing and endpoints, not the application's (whose routes are fixed once it runs).</summary>
    private static RequestDelegate BuildDashboard(WebApplication app)
    {
        var branch = ((IApplicationBuilder)app).New();
        // Without this, routing in the branch would reuse the application's route table, which no longer changes.
        branch.Properties.Remove(GlobalEndpointRouteBuilderKey);
        branch.UseRouting();
        branch.UseEndpoints(endpoints => endpoints.MapOrleansDashboard(routePrefix: DashboardPrefix));
        return branch.Build();
    }

    /// <summary>ASP.NET Core's key for the application's route builder in a pipeline's properties (WebApplication sets it).</summary>
    private const string GlobalEndpointRouteBuilderKey = "__GlobalEndpointRouteBuilder";

    /// <summary>Holds the host's start until the routes are mapped (a failure to map fails the start).</summary>
    public sealed class Gate(BackgroundRouteMapping mapping) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => mapping._mapped.WaitAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
