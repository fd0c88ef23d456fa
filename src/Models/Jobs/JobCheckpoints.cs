namespace FedOrleans.Models.Jobs;

/// <summary>
/// <c>job:ID</c> in a spec's <c>base</c> names the checkpoint folder of job ID of this cluster: <c>ID</c> under the
/// silos' jobs folder. Any other value is a folder as the silos see it.
/// </summary>
public static class JobCheckpoints
{
    public const string Prefix = "job:";

    /// <summary>The folder <paramref name="reference"/> names: a job's under <paramref name="jobsRoot"/>, or itself.</summary>
    public static string Resolve(string reference, string jobsRoot) =>
        reference.StartsWith(Prefix, StringComparison.Ordinal) ? Path.GetFullPath(Path.Combine(jobsRoot, reference[Prefix.Length..])) : reference;
}
