using System.Diagnostics.Metrics;
using FedOrleans.Contracts;

namespace FedOrleans.Grains.Telemetry;

/// <summary>
/// FedOrleans' own OpenTelemetry-compatible metrics (meter <see cref="FedOrleansNames.Meter"/>): rounds,
/// fits and their latency, bytes moved between coordinator and clients, and active client grains. The
/// silo exports them on its Prometheus endpoint (<c>/metrics</c>).
/// </summary>
public sealed class FedOrleansMetrics
{
    private readonly Counter<long> _rounds;
    private readonly Counter<long> _fits;
    private readonly Histogram<double> _fitSeconds;
    private readonly Counter<long> _bytes;
    private readonly UpDownCounter<long> _activeClients;

    public FedOrleansMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(FedOrleansNames.Meter);
        _rounds = meter.CreateCounter<long>("fedorleans.rounds", "{round}", "Rounds completed by the experiments coordinated on this silo.");
        _fits = meter.CreateCounter<long>("fedorleans.fits", "{fit}", "Client fits run on this silo, by outcome (ok, failed).");
        _fitSeconds = meter.CreateHistogram<double>("fedorleans.fit.duration", "s", "Wall time of one client fit on this silo, waiting for a slot included.");
        _bytes = meter.CreateCounter<long>("fedorleans.model.transferred", "By", "Model bytes moved to (down) and from (up) the clients on this silo.");
        _activeClients = meter.CreateUpDownCounter<long>("fedorleans.clients.active", "{client}", "Client grains active on this silo.");
    }

    public void RoundCompleted(string experimentId) =>
        _rounds.Add(1, new KeyValuePair<string, object?>("experiment", experimentId));

    public void FitCompleted(TimeSpan elapsed, long bytesDown, long bytesUp, bool failed)
    {
        var outcome = new KeyValuePair<string, object?>("outcome", failed ? "failed" : "ok");
        _fits.Add(1, outcome);
        _fitSeconds.Record(elapsed.TotalSeconds, outcome);
        _bytes.Add(bytesDown, new KeyValuePair<string, object?>("direction", "down"));
        _bytes.Add(bytesUp, new KeyValuePair<string, object?>("direction", "up"));
    }

    public void ClientActivated() => _activeClients.Add(1);

    public void ClientDeactivated() => _activeClients.Add(-1);
}
