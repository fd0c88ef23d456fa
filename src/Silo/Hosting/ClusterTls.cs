using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace FedOrleans.Silo.Hosting;

/// <summary>
/// Optional TLS for all Orleans traffic (silo to silo, console to gateway), with one certificate for the
/// whole cluster: every silo and console presents it, and each side accepts only a peer that proves it
/// holds the same certificate's private key (the thumbprint is pinned; no certificate authority needed).
/// </summary>
public static class ClusterTls
{
    /// <summary>Environment variables the console reads (it has no silo switches): the PKCS#12 file and its password.</summary>
    public const string CertificateVariable = "FEDORLEANS_TLS_CERTIFICATE";

    public const string PasswordVariable = "FEDORLEANS_TLS_PASSWORD";

    /// <summary>Loads a PKCS#12 (.pfx/.p12) certificate with its private key; a clear error naming the file otherwise.</summary>
    public static X509Certificate2 Load(string path, string password, string setting)
    {
        if (!File.Exists(path))
        {
            throw new ArgumentException($"{setting}: no certificate file at '{path}'; give a PKCS#12 (.pfx) file with the cluster's certificate and private key");
        }
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password.Length == 0 ? null : password);
        }
        catch (CryptographicException e)
        {
            throw new ArgumentException($"{setting}: '{path}' is not a PKCS#12 certificate this password opens ({e.Message}); check the file and the password", e);
        }
        if (!certificate.HasPrivateKey)
        {
            throw new ArgumentException($"{setting}: '{path}' holds no private key; export the certificate with its key (PKCS#12)");
        }
        return certificate;
    }

    /// <summary>TLS settings shared by silos and consoles: present <paramref name="certificate"/>, require the peer's, and pin it.</summary>
    public static void Configure(TlsOptions options, X509Certificate2 certificate)
    {
        options.LocalCertificate = certificate;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.RemoteCertificateValidation = (remote, _, _) => remote is not null && remote.Thumbprint == certificate.Thumbprint;
        options.OnAuthenticateAsClient = (_, client) => client.TargetHost = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
    }

    /// <summary>The console's certificate from <see cref="CertificateVariable"/>, or null when TLS is not asked for.</summary>
    public static X509Certificate2? FromEnvironment()
    {
        var path = Environment.GetEnvironmentVariable(CertificateVariable);
        return string.IsNullOrEmpty(path) ? null : Load(path, Environment.GetEnvironmentVariable(PasswordVariable) ?? "", CertificateVariable);
    }

    /// <summary>A self-signed cluster certificate (tests, quick starts); real deployments bring their own.</summary>
    public static X509Certificate2 CreateSelfSigned(string subject = "fedorleans-cluster", int days = 365)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={subject}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false)); // server and client authentication
        var sans = new SubjectAlternativeNameBuilder();
        sans.AddDnsName(subject);
        request.CertificateExtensions.Add(sans.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(days));
        // Round-trip through PKCS#12 so the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }
}
