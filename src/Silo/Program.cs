using FedOrleans.Silo.Hosting;

// A FedOrleans silo: `dotnet run --project src/Silo -- [--device cpu|cuda] [--port 11111] [--gateway-port 30000] [--http-port 8080] ...`
// SIGTERM (docker stop, Kubernetes) and Ctrl-C stop it gracefully: its grains deactivate, the cluster is told it leaves.
try
{
    var app = FedOrleansHost.Build(args);
    await app.StartAsync();
    // One plain line when everything listens (scripts and tests wait for it).
    Console.WriteLine($"silo ready: {FedOrleansHost.HttpAddress(app)}{BackgroundRouteMapping.DashboardPrefix}/");
    await app.WaitForShutdownAsync();
    Console.WriteLine("silo stopped");
    return 0;
}
catch (Exception e) when (e is ArgumentException or Microsoft.Extensions.Options.OptionsValidationException)
{
    Console.Error.WriteLine($"fedorleans silo: {e.Message}");
    return 2;
}
