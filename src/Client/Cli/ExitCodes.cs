using FedOrleans.Contracts;

namespace FedOrleans.Client.Cli;

/// <summary>The console's exit codes (the README's table).</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The experiment or job failed, or the console met a bug (shown as one, with its stack trace).</summary>
    public const int ExperimentFailed = 1;

    public const int BadInput = 2;
    public const int ClusterUnavailable = 3;
    public const int DataUnavailable = 4;

    /// <summary>Cancelled by Ctrl-C (SIGINT); finished rounds are kept.</summary>
    public const int Cancelled = 130;

    /// <summary>Cancelled by SIGTERM; finished rounds are kept.</summary>
    public const int Terminated = 143;

    /// <summary>The exit code of one of the cluster's refusals (<see cref="Refusals"/>): 4 for data, 2 for the rest.</summary>
    public static int ForRefusal(Exception refusal) => refusal is DataUnavailableException ? DataUnavailable : BadInput;
}
