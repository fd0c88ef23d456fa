namespace FedOrleans.Models.Tests;

/// <summary>
/// The project's shared folder of reference files (<c>shared/data</c>), found as <c>$FEDORLEANS_SHARED</c> or
/// as a <c>shared</c> folder next to one of the test assembly's ancestor folders (the checkout's <c>../shared</c>).
/// A test that needs one of its files calls <see cref="Path"/>, which fails the test with the places it looked in
/// when the file is missing: a fidelity check never turns into a skip that CI would count as green.
/// </summary>
public static class SharedFiles
{
    public const string EnvironmentVariable = "FEDORLEANS_SHARED";

    /// <summary>The full path of <paramref name="relative"/> under shared/, or null.</summary>
    public static string? Find(string relative) => Candidates(relative).FirstOrDefault(c => File.Exists(c) || Directory.Exists(c));

    /// <summary>The full path of <paramref name="relative"/> under shared/, or a failure that says where it was looked for.</summary>
    public static string Path(string relative)
    {
        var found = Find(relative);
        Assert.True(found is not null, NotFound(relative));
        return found!;
    }

    public static string NotFound(string relative) =>
        $"shared/{relative} not found; set {EnvironmentVariable} to the shared folder (looked in: {string.Join(", ", Candidates(relative).Take(4))} ...)";

    private static IEnumerable<string> Candidates(string relative)
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            yield return System.IO.Path.Combine(configured, relative);
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            yield return System.IO.Path.Combine(dir.FullName, "shared", relative);
        }
    }
}
