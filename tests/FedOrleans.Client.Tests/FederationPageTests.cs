using System.Globalization;
using System.Text.Json.Nodes;

namespace FedOrleans.Client.Tests;

/// <summary>The silo's live federation page in a real headless Chromium, and its Prometheus endpoint.</summary>
public sealed class FederationPageTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task The_federation_page_shows_a_running_experiment_and_updates_live()
    {
        var folder = Cli.TempFolder();
        var (silo, gateway, http) = await Cli.StartReadySiloAsync(folder);
        await using var siloProcess = silo;
        // Enough rounds that the experiment is still running while the browser watches it.
        var spec = Cli.WriteSpec(folder, "live", 400);
        await using var run = Cli.Start(folder, "run", spec, "--cluster", $"127.0.0.1:{gateway.ToString(CultureInfo.InvariantCulture)}");
        var baseUrl = $"http://127.0.0.1:{http.ToString(CultureInfo.InvariantCulture)}";
        using var client = new HttpClient { BaseAddress = new Uri(baseUrl) };
        // The console prints each finished round: once round 1 is out, the experiment is registered and running.
        await run.WaitForOutputAsync("round 1/400").WaitAsync(Patience);
        var list = JsonNode.Parse(await client.GetStringAsync("/federation/api/experiments"))!.AsArray();
        Assert.True(list.Any(e => (string?)e!["id"] == "live" && (int)e["round"]! >= 1), $"/federation/api/experiments lacks the running experiment: {list.ToJsonString()}");

        await using var browser = await HeadlessChromium.OpenAsync($"{baseUrl}/federation", Patience);
        await browser.WaitUntilAsync("!document.getElementById('detail').hidden && document.getElementById('title').textContent === 'live'",
            "the page shows the running experiment", Patience);
        Assert.Equal("Running", (string?)await browser.EvaluateAsync("document.getElementById('phase').textContent"));
        Assert.Equal(1, (int)(await browser.EvaluateAsync("document.querySelectorAll('#experiments tbody tr[data-id=\"live\"]').length"))!);
        Assert.Equal(20, (int)(await browser.EvaluateAsync("document.querySelectorAll('#clients span').length"))!);
        Assert.Equal(20, (int)(await browser.EvaluateAsync(
            "['idle','training','failed','deactivated'].map(a => +document.getElementById('n-' + a).textContent).reduce((x, y) => x + y, 0)"))!);

        // Live: the round advances and the accuracy curve is drawn without reloading the page (the marker survives).
        await browser.EvaluateAsync("window.fedorleansMarker = 42");
        int first = int.Parse((string)(await browser.EvaluateAsync("document.getElementById('round').textContent"))!, CultureInfo.InvariantCulture);
        await browser.WaitUntilAsync($"+document.getElementById('round').textContent > {first.ToString(CultureInfo.InvariantCulture)}",
            $"the round shown advances past {first}", Patience);
        await browser.WaitUntilAsync(
            "document.getElementById('accuracy').getContext('2d').getImageData(0, 0, 420, 220).data.some(v => v !== 0)",
            "the accuracy curve is drawn", Patience);
        Assert.Equal(42, (int)(await browser.EvaluateAsync("window.fedorleansMarker"))!);

        // The same silo exports FedOrleans' metrics for Prometheus.
        var metrics = await client.GetStringAsync("/metrics");
        foreach (var name in new[] { "fedorleans_rounds_total", "fedorleans_fits_total", "fedorleans_fit_duration_seconds_bucket",
                     "fedorleans_model_transferred_bytes_total", "fedorleans_clients_active" })
        {
            Assert.True(metrics.Contains(name, StringComparison.Ordinal), $"/metrics lacks {name}:\n{metrics[..Math.Min(3000, metrics.Length)]}");
        }
    }
}
