namespace FedOrleans.Models.Data;

/// <summary>One file of a dataset: its name in the cache, its path inside the package, its size and SHA-256.</summary>
public sealed record DataFile(string CacheName, string PathInPackage, long Size, string Sha256);
