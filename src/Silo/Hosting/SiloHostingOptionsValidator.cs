using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace FedOrleans.Silo.Hosting;

/// <summary>Checks a silo's hosting options; each failure names the switch and the configuration key to fix.</summary>
public sealed partial class SiloHostingOptionsValidator : IValidateOptions<SiloHostingOptions>
{
    public ValidateOptionsResult Validate(string? name, SiloHostingOptions options)
    {
        var errors = new List<string>();
        if (options.Clustering is ClusteringKind.Redis or ClusteringKind.Kubernetes && !HostAndPort().IsMatch(options.Redis))
        {
            errors.Add($"--clustering {options.Clustering.ToString().ToLowerInvariant()} needs --redis HOST:PORT (FedOrleans:Silo:Redis), e.g. --redis 127.0.0.1:6379; got '{options.Redis}'");
        }
        if ((options.DashboardUser.Length > 0) != (options.DashboardPassword.Length > 0))
        {
            errors.Add("--dashboard-user and --dashboard-password (FedOrleans__Silo__DashboardPassword) go together");
        }
        if (!IPAddress.TryParse(options.AdvertisedAddress, out _))
        {
            errors.Add($"--advertise (FedOrleans:Silo:AdvertisedAddress) must be an IP address; got '{options.AdvertisedAddress}'");
        }
        foreach (var (port, option, key) in new[]
        {
            (options.SiloPort, "--port", nameof(SiloHostingOptions.SiloPort)),
            (options.GatewayPort, "--gateway-port", nameof(SiloHostingOptions.GatewayPort)),
            (options.HttpPort, "--http-port", nameof(SiloHostingOptions.HttpPort)),
        })
        {
            if (port is < 0 or > 65535)
            {
                errors.Add($"{option} (FedOrleans:Silo:{key}) is {port}; allowed 1-65535 (0 for a free port: --http-port only)");
            }
        }
        if (options.DirectoryCacheSize is < 0 or > 0 and < MinimumDirectoryCache)
        {
            errors.Add($"--directory-cache (FedOrleans:Silo:DirectoryCacheSize) is {options.DirectoryCacheSize}; give the number of grain locations to cache (at least {MinimumDirectoryCache}), or 0 for none");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>The smallest directory cache Orleans builds (its cache splits its capacity into three queues).</summary>
    public const int MinimumDirectoryCache = 3;

    [GeneratedRegex("^[A-Za-z0-9.-]+:[0-9]{1,5}$")]
    private static partial Regex HostAndPort();
}
