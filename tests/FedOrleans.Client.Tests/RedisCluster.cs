using System.Diagnostics;
using System.Globalization;

namespace FedOrleans.Client.Tests;

/// <summary>
/// A real cluster for the fault tests: a redis-server on loopback (membership, grain state, reminders) and
/// silo processes on free ports, each ready (it printed "silo ready"). Disposing kills the silos and Redis.
/// </summary>
public sealed class RedisCluster : IAsyncDisposable
{
    private readonly Process _redis;
    private readonly List<Cli.Running> _silos = [];

    private RedisCluster(Process redis, int port)
    {
        _redis = redis;
        Address = $"redis://127.0.0.1:{P(port)}";
    }

    /// <summary>The console's <c>--cluster</c> value.</summary>
    public string Address { get; }

    public IReadOnlyList<Cli.Running> Silos => _silos;

    /// <param name="folder">The silos' working folder.</param>
    /// <param name="silos">How many silo processes.</param>
    /// <param name="siloArguments">Extra arguments for every silo (e.g. a shared <c>--jobs</c> folder).</param>
    public static async Task<RedisCluster> StartAsync(string folder, int silos, params string[] siloArguments)
    {
        var binary = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("redis-server not found: install it (Debian: apt-get install redis-server); .ci/run does");
        int port = Silo.Hosting.FedOrleansHost.FreeTcpPort();
        var redis = Process.Start(new ProcessStartInfo(binary, ["--port", P(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        {
            RedirectStandardOutput = true,
        })!;
        redis.OutputDataReceived += (_, _) => { };
        redis.BeginOutputReadLine();
        var cluster = new RedisCluster(redis, port);
        try
        {
            for (int i = 0; i < silos; i++)
            {
                cluster._silos.Add(Cli.StartSilo(folder, [
                    "--clustering", "redis", "--redis", $"127.0.0.1:{P(port)}",
                    "--port", P(Silo.Hosting.FedOrleansHost.FreeTcpPort()), "--gateway-port", P(Silo.Hosting.FedOrleansHost.FreeTcpPort()), "--http-port", "0",
                    .. siloArguments]));
            }
            var ready = Task.WhenAll(cluster._silos.Select(s => s.WaitForOutputAsync("silo ready")));
            try
            {
                await ready.WaitAsync(Cli.Patience);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"starting {silos} silos on Redis: not all printed 'silo ready' within {Cli.Patience}:\n{cluster.Outputs()}");
            }
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    /// <summary>The one silo whose log contains <paramref name="text"/> (e.g. "&lt;experiment id&gt; starts": the coordinator's silo).</summary>
    public Cli.Running SiloThatLogged(string text)
    {
        var found = _silos.Where(s => s.Output.Contains(text, StringComparison.Ordinal)).ToList();
        return found.Count == 1 ? found[0]
            : throw new InvalidOperationException($"expected exactly one silo to log '{text}', found {found.Count}:\n{Outputs()}");
    }

    /// <summary>Every silo's output, for failure messages.</summary>
    public string Outputs() => string.Join("\n", _silos.Select((s, i) => $"--- silo {i} (pid {s.Id}) ---\n{s.Output}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }
        if (!_redis.HasExited)
        {
            _redis.Kill();
            await _redis.WaitForExitAsync();
        }
        _redis.Dispose();
    }

    private static string P(int port) => port.ToString(CultureInfo.InvariantCulture);
}
