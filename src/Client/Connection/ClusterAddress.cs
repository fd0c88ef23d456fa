using System.Globalization;
using System.Net;

namespace FedOrleans.Client.Connection;

/// <summary>
/// A cluster address from the command line: <c>HOST:PORT</c> of a silo gateway (<c>localhost:30000</c>),
/// or <c>redis://HOST:PORT</c>, the Redis server that holds a cluster's membership (any live gateway is used).
/// Parsed strictly, since it may come from untrusted input; errors say what is expected.
/// </summary>
public sealed record ClusterAddress(string Host, int Port, bool Redis = false)
{
    public const int DefaultRedisPort = 6379;

    public const int DefaultGatewayPort = 30000;

    public static ClusterAddress Default { get; } = new("localhost", DefaultGatewayPort);

    public static ClusterAddress Parse(string text)
    {
        var value = text.Trim();
        bool redis = false;
        if (value.Contains("://", StringComparison.Ordinal))
        {
            var scheme = value[..value.IndexOf("://", StringComparison.Ordinal)];
            if (scheme != "redis")
            {
                throw new FormatException($"cluster address '{text}': the '{scheme}://' form is not supported; give a silo gateway as HOST:PORT (e.g. localhost:{DefaultGatewayPort}) or a Redis membership store as redis://HOST:PORT");
            }
            redis = true;
            value = value[(scheme.Length + 3)..];
        }
        string host = value;
        int port = redis ? DefaultRedisPort : DefaultGatewayPort;
        int colon = value.LastIndexOf(':');
        if (colon >= 0)
        {
            host = value[..colon];
            if (!int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
            {
                throw new FormatException($"cluster address '{text}': '{value[(colon + 1)..]}' is not a port (1-65535); expected HOST:PORT, e.g. localhost:{DefaultGatewayPort}");
            }
        }
        if (host.Length == 0 || host.Length > 253 || !host.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-'))
        {
            throw new FormatException($"cluster address '{text}': '{host}' is not a host name or IPv4 address; expected HOST:PORT, e.g. localhost:{DefaultGatewayPort}");
        }
        return new ClusterAddress(host, port, redis);
    }

    /// <summary>Resolves the host to an IPv4 end point.</summary>
    public async Task<IPEndPoint> ResolveAsync(CancellationToken ct)
    {
        if (IPAddress.TryParse(Host, out var ip))
        {
            return new IPEndPoint(ip, Port);
        }
        if (Host == "localhost")
        {
            return new IPEndPoint(IPAddress.Loopback, Port);
        }
        var addresses = await Dns.GetHostAddressesAsync(Host, System.Net.Sockets.AddressFamily.InterNetwork, ct);
        return addresses.Length > 0
            ? new IPEndPoint(addresses[0], Port)
            : throw new FormatException($"cluster address '{this}': host '{Host}' does not resolve");
    }

    public override string ToString() => Redis ? $"redis://{Host}:{Port}" : $"{Host}:{Port}";
}
