using System.CommandLine;
using FedOrleans.Client.Connection;

namespace FedOrleans.Client.Cli;

/// <summary>
/// Where a command's work runs: a cluster (<c>--cluster</c>), or a silo started inside the console for the command
/// (with <c>--data</c> and <c>--device</c>). The commands that only ask the cluster something share it.
/// </summary>
internal sealed record ClusterTarget(string? Cluster, string? Data, string Device)
{
    public static (Option<string?> Cluster, Option<string?> Data, Option<string> Device) Options() => (
        CommonOptions.Cluster("silo gateway HOST:PORT or redis://HOST:PORT; without it a silo runs inside this process"),
        CommonOptions.Data(),
        new Option<string>("--device") { Description = "device of the embedded silo: cpu or cuda", DefaultValueFactory = _ => "cpu" });

    /// <summary>Connects (or starts the embedded silo), runs <paramref name="action"/> and disconnects; bad addresses and unreachable clusters become exit codes.</summary>
    public async Task<int> WithConnectionAsync(CancellationToken stop, Func<ClusterConnection, Task<int>> action)
    {
        if (Device is not ("cpu" or "cuda"))
        {
            ConsoleOutput.Error($"--device must be cpu or cuda (is '{Device}')");
            return ExitCodes.BadInput;
        }
        ClusterConnection connection;
        try
        {
            connection = Cluster is null
                ? await ClusterConnection.StartEmbeddedAsync(Data, stop, Device)
                : await ClusterConnection.ConnectAsync(ClusterAddress.Parse(Cluster), stop);
        }
        catch (FormatException e)
        {
            ConsoleOutput.Error(e.Message);
            return ExitCodes.BadInput;
        }
        catch (ClusterUnavailableException e)
        {
            ConsoleOutput.Error(e.Message);
            return ExitCodes.ClusterUnavailable;
        }
        await using (connection)
        {
            return await action(connection);
        }
    }
}
