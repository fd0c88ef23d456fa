namespace FedOrleans.Client.Cli;

/// <summary>The console's exit codes.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int ExperimentFailed = 1;
    public const int BadInput = 2;
    public const int ClusterUnavailable = 3;
    public const int DataUnavailable = 4;
    public const int Cancelled = 130;
}
