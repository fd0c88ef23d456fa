namespace FedOrleans.Models.Data;

/// <summary>
/// The folder that holds fetched datasets: <c>$FEDORLEANS_DATA</c> when set, otherwise
/// <c>$XDG_CACHE_HOME/fedorleans</c> or <c>~/.cache/fedorleans</c>. One sub-folder per dataset.
/// </summary>
public sealed class DataCache(string root)
{
    public const string EnvironmentVariable = "FEDORLEANS_DATA";

    public string Root { get; } = Path.GetFullPath(root);

    public static DataCache Default => new(DefaultRoot());

    public static string DefaultRoot()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var baseDir = !string.IsNullOrWhiteSpace(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(baseDir, "fedorleans");
    }

    public string DatasetFolder(CatalogEntry entry) => Path.Combine(Root, entry.Key);

    public string FilePath(CatalogEntry entry, DataFile file) => Path.Combine(DatasetFolder(entry), file.CacheName);

    /// <summary>The path of a file of <paramref name="entry"/> that must be in the cache already (the first one by default).</summary>
    /// <exception cref="DataFormatException">It is not: the message says which fetch command brings it.</exception>
    public string CachedFile(CatalogEntry entry, DataFile? file = null)
    {
        var path = FilePath(entry, file ?? entry.Files[0]);
        return File.Exists(path) ? path : throw NotCached(path, entry.Key);
    }

    /// <summary>The error for a file the cache lacks: names the fetch command for <paramref name="key"/>.</summary>
    public DataFormatException NotCached(string path, string key) =>
        new(path, $"not in the data cache; run `fedorleans data fetch {key}` (cache: {Root}, set {EnvironmentVariable} to move it)");

    /// <summary>True when every file of the entry is present with its expected size (checksums are checked at fetch time).</summary>
    public bool IsComplete(CatalogEntry entry) => entry.Files.All(f =>
    {
        var info = new FileInfo(FilePath(entry, f));
        return info.Exists && info.Length == f.Size;
    });
}
