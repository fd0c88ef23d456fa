namespace FedOrleans.Client.Cli;

/// <summary>
/// The console's checks on files a user names: spec files are read only if they exist and are of a sane
/// size (a spec is a page of YAML; a 50 MB file would be parsed for seconds to minutes before any error),
/// and a results folder is proved writable before the first round, so that no finished round is lost to it.
/// </summary>
public static class InputFiles
{
    /// <summary>The largest spec, study or job file read (1 MiB).</summary>
    public const long MaxSpecBytes = 1 << 20;

    /// <summary>The file's text, or null after a clear error (missing, a folder, too large).</summary>
    public static async Task<string?> ReadSpecAsync(string path, string kind, CancellationToken ct)
    {
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            ConsoleOutput.Error(Directory.Exists(path)
                ? $"{kind} '{file.FullName}' is a folder; give a YAML file (see experiments/ for examples)"
                : $"{kind} file '{file.FullName}' not found; see experiments/ for examples");
            return null;
        }
        if (file.Length > MaxSpecBytes)
        {
            ConsoleOutput.Error($"{kind} file '{file.FullName}' is {file.Length / (1024.0 * 1024.0):F1} MiB; specs are limited to {MaxSpecBytes / (1024 * 1024)} MiB: is this the right file?");
            return null;
        }
        return await File.ReadAllTextAsync(file.FullName, ct);
    }

    /// <summary>Null when <paramref name="folder"/> is (or can be made) a folder this process can write; else the problem.</summary>
    public static string? CheckWritableFolder(string folder)
    {
        if (File.Exists(folder))
        {
            return $"'{Path.GetFullPath(folder)}' is a file, not a folder";
        }
        try
        {
            Directory.CreateDirectory(folder);
            var probe = Path.Combine(folder, $".write-check-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"'{Path.GetFullPath(folder)}' cannot be written ({e.Message})";
        }
    }
}
