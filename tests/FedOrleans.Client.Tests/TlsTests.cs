using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using FedOrleans.Silo.Hosting;

namespace FedOrleans.Client.Tests;

/// <summary>Optional TLS between silos and from the console: real processes, one pinned cluster certificate.</summary>
public sealed class TlsTests
{
    private static string P(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static string WritePfx(string folder, string name, string password)
    {
        using var certificate = ClusterTls.CreateSelfSigned();
        var path = Path.Combine(folder, name);
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        return path;
    }

    [Fact]
    public async Task Two_tls_silos_run_an_experiment_for_a_console_with_the_cluster_certificate_and_refuse_others()
    {
        var folder = Cli.TempFolder();
        var cluster = WritePfx(folder, "cluster.pfx", "pw1");
        var stranger = WritePfx(folder, "stranger.pfx", "pw2");
        int primaryPort = FedOrleansHost.FreeTcpPort();
        var (first, gateway, _) = await Cli.StartReadySiloAsync(folder, "--port", P(primaryPort), "--tls-certificate", cluster, "--tls-password", "pw1");
        await using var firstSilo = first;
        var (second, _, secondHttp) = await Cli.StartReadySiloAsync(folder, "--primary-port", P(primaryPort), "--tls-certificate", cluster, "--tls-password", "pw1");
        await using var secondSilo = second;

        var spec = Cli.WriteSpec(folder, "tls", 3);
        var address = $"127.0.0.1:{P(gateway)}";
        var ok = await Cli.RunWithEnvironmentAsync(folder,
            new Dictionary<string, string> { [ClusterTls.CertificateVariable] = cluster, [ClusterTls.PasswordVariable] = "pw1" },
            "run", spec, "--cluster", address);
        Assert.True(ok.ExitCode == 0, $"the console with the cluster certificate should run the experiment: {ok}");
        // Clients are placed at random: the second silo trained some of them, over TLS from the coordinator.
        var metrics = await new HttpClient().GetStringAsync($"http://127.0.0.1:{P(secondHttp)}/metrics");
        Assert.Contains("fedorleans_fits_total", metrics);

        var plain = await Cli.RunAsync(folder, "status", "tls", "--cluster", address);
        Assert.True(plain.ExitCode != 0, $"a console without TLS must not get in: {plain}");
        Assert.Contains("no FedOrleans cluster answered", plain.Output);

        var wrong = await Cli.RunWithEnvironmentAsync(folder,
            new Dictionary<string, string> { [ClusterTls.CertificateVariable] = stranger, [ClusterTls.PasswordVariable] = "pw2" },
            "status", "tls", "--cluster", address);
        Assert.True(wrong.ExitCode != 0, $"a console with another certificate must not get in: {wrong}");

        var badPassword = await Cli.RunWithEnvironmentAsync(folder,
            new Dictionary<string, string> { [ClusterTls.CertificateVariable] = cluster, [ClusterTls.PasswordVariable] = "nope" },
            "status", "tls", "--cluster", address);
        Assert.True(badPassword.ExitCode != 0, badPassword.ToString());
        Assert.Contains(ClusterTls.CertificateVariable, badPassword.Output);
    }
}
