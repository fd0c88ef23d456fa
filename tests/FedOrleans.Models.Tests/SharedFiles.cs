namespace FedOrleans.Models.Tests;

/// <summary>
/// The project's shared folder of reference files (<c>shared/data</c>), found as <c>$FEDORLEANS_SHARED</c> or
/// as a <c>shared</c> folder next to one of the test assembly's ancestor folders (the checkout's <c>../shared</c>).
/// </summary>
public static class SharedFiles
{
    public const string EnvironmentVariable = "FEDORLEANS_SHARED";

    /// <summary>The full path of <paramref name="relative"/> under shared/, or a failure that says where it was looked for.</summary>
    public static string Path(string relative)
    {
        var candidates = new List<string>();
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            candidates.Add(System.IO.Path.Combine(configured, relative));
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            candidates.Add(System.IO.Path.Combine(dir.FullName, "shared", relative));
        }
        var found = candidates.FirstOrDefault(c => File.Exists(c) || Directory.Exists(c));
        Assert.True(found is not null,
            $"shared/{relative} not found; set {EnvironmentVariable} to the shared folder (looked in: {string.Join(", ", candidates.Take(4))} ...)");
        return found!;
    }
}
