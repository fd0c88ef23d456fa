using System.Text.Json;
using FedOrleans.Contracts;

namespace FedOrleans.Silo.Hosting;

/// <summary>
/// The live federation view, served by every silo: <c>/federation</c> (one HTML page, no external
/// scripts) and the JSON it polls: <c>/federation/api/experiments</c> and <c>/federation/api/experiments/{id}</c>.
/// </summary>
public static class FederationPage
{
    public const string Prefix = "/federation";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static void MapFederationPage(this WebApplication app)
    {
        app.MapGet(Prefix, () => Results.Content(Html.Value, "text/html; charset=utf-8"));
        app.MapGet($"{Prefix}/api/experiments", async (IGrainFactory grains) =>
        {
            var ids = await grains.GetGrain<IExperimentRegistryGrain>(IExperimentRegistryGrain.Key).ListAsync();
            var statuses = await Task.WhenAll(ids.Select(id => grains.GetGrain<IExperimentGrain>(GrainKeys.Experiment(id)).GetStatusAsync()));
            return Results.Json(statuses.Select(s => new
            {
                id = s.ExperimentId,
                phase = s.Phase.ToString(),
                round = s.CompletedRounds,
                rounds = s.TotalRounds,
                accuracy = s.LastRound?.TestAccuracy,
                resumes = s.Resumes,
            }), Json);
        });
        app.MapGet($"{Prefix}/api/experiments/{{id}}", async (string id, IGrainFactory grains) =>
        {
            var ids = await grains.GetGrain<IExperimentRegistryGrain>(IExperimentRegistryGrain.Key).ListAsync();
            if (!ids.Contains(id))
            {
                // Never activate a grain for an id nobody started (the page takes ids from the URL).
                return Results.NotFound(new { error = $"no experiment '{id}' on this cluster" });
            }
            var view = await grains.GetGrain<IExperimentGrain>(GrainKeys.Experiment(id)).GetViewAsync();
            var counts = Enum.GetValues<ClientActivity>().ToDictionary(
                a => a.ToString().ToLowerInvariant(), a => view.ClientActivity.Count(b => b == (byte)a));
            return Results.Json(new
            {
                id,
                phase = view.Status.Phase.ToString(),
                round = view.Status.CompletedRounds,
                rounds = view.Status.TotalRounds,
                error = view.Status.Error,
                resumes = view.Status.Resumes,
                elapsedSeconds = view.Status.ElapsedSeconds,
                strategy = view.Strategy,
                gpuClients = view.GpuClients,
                history = view.History.Select(r => new
                {
                    round = r.Round,
                    accuracy = Finite(r.TestAccuracy),
                    testLoss = Finite(r.TestLoss),
                    trainLoss = Finite(r.TrainLoss),
                    received = r.Received,
                    failed = r.Failed,
                    seconds = r.Seconds,
                }),
                clientCounts = counts,
                // One character per client: 0 idle, 1 training, 2 failed, 3 deactivated (capped for huge federations).
                clients = string.Concat(view.ClientActivity.Take(MaxClientCells).Select(b => (char)('0' + b))),
                clientsShown = Math.Min(view.ClientActivity.Length, MaxClientCells),
                clientsTotal = view.ClientActivity.Length,
            }, Json);
        });
    }

    /// <summary>Client cells drawn on the page; counts cover every client.</summary>
    public const int MaxClientCells = 10_000;

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;

    private static readonly Lazy<string> Html = new(() =>
    {
        using var stream = typeof(FederationPage).Assembly.GetManifestResourceStream("FedOrleans.Silo.federation.html")
            ?? throw new InvalidOperationException("the federation page resource is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });
}
