namespace FedOrleans.Models.Data;

/// <summary>
/// One file of a dataset: its name in the cache, its path inside the package, its size and SHA-256.
/// <see cref="PackageArchive"/> as the path keeps the package archive itself (text corpora of hundreds of
/// small files are pinned by the one hash of the archive and read from it directly).
/// </summary>
public sealed record DataFile(string CacheName, string PathInPackage, long Size, string Sha256)
{
    /// <summary>The path that stands for the downloaded archive itself rather than a file inside it.</summary>
    public const string PackageArchive = "*";
}
