namespace FedOrleans.Silo.Hosting;

/// <summary>Where a silo listens and which cluster it joins (bound from configuration section <see cref="Section"/>).</summary>
public sealed class SiloHostingOptions
{
    public const string Section = "FedOrleans:Silo";

    /// <summary>Silo-to-silo port.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port clients (the console) connect to.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>HTTP port of the dashboard and /healthz; 0 picks a free port.</summary>
    public int HttpPort { get; set; } = 8080;

    /// <summary>HTTP bind address; loopback unless configured otherwise.</summary>
    public string HttpAddress { get; set; } = "127.0.0.1";

    /// <summary>The silo port of an existing silo to join on this machine (localhost clustering); 0 for the first silo.</summary>
    public int PrimarySiloPort { get; set; }

    /// <summary>
    /// <c>localhost</c> (silos on this machine find each other by port, memory storage), <c>redis</c>
    /// (membership, grain state and reminders in Redis) or <c>kubernetes</c> (Redis as well, plus Orleans'
    /// Kubernetes hosting: pod identity from the downward API, defunct silo pods deleted).
    /// </summary>
    public ClusteringKind Clustering { get; set; } = ClusteringKind.Localhost;

    /// <summary>The Redis server for <see cref="Clustering"/> <c>redis</c>, as HOST:PORT.</summary>
    public string Redis { get; set; } = "";

    /// <summary>The address other silos and clients reach this silo at (redis mode); loopback by default.</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>With <see cref="DashboardPassword"/>, the dashboard asks for HTTP basic authentication (/healthz stays open for probes).</summary>
    public string DashboardUser { get; set; } = "";

    /// <summary>Prefer the environment variable <c>FedOrleans__Silo__DashboardPassword</c> over the command line.</summary>
    public string DashboardPassword { get; set; } = "";

    /// <summary>A PKCS#12 file with the cluster certificate: all silo-to-silo and gateway traffic uses TLS (see <see cref="ClusterTls"/>). Empty: plain TCP.</summary>
    public string TlsCertificate { get; set; } = "";

    /// <summary>The password of <see cref="TlsCertificate"/>; prefer the environment variable <c>FedOrleans__Silo__TlsPassword</c>.</summary>
    public string TlsPassword { get; set; } = "";

    /// <summary>
    /// How many grain locations the silo's directory cache keeps (<c>--directory-cache</c>); 0: no cache. The cache spares
    /// a silo a directory lookup for a grain on another silo; Orleans' default (1,000,000) sizes its tables for that many
    /// up front (two of ~9 MB, allocated at every start), and Orleans' cache-size gauge walks every slot of them each time
    /// the dashboard samples its counters (every second). A silo alone in its cluster (the console's embedded silo) looks
    /// every grain up locally, so it runs without one.
    /// </summary>
    public int DirectoryCacheSize { get; set; } = Orleans.Configuration.GrainDirectoryOptions.DEFAULT_CACHE_SIZE;

    public string ClusterId { get; set; } = "fedorleans";

    public string ServiceId { get; set; } = "fedorleans";
}

/// <summary>How silos find each other (<c>--clustering</c>); see <see cref="SiloHostingOptions.Clustering"/>.</summary>
public enum ClusteringKind
{
    Localhost,
    Redis,
    Kubernetes,
}
