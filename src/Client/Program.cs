using System.Runtime.InteropServices;
using FedOrleans.Client.Cli;

// `fedorleans`: see `fedorleans --help`. The first Ctrl-C (SIGINT) or SIGTERM (timeout, docker stop,
// Kubernetes) stops the experiment cleanly and keeps every finished round (exit 130, or 143 after SIGTERM);
// a second one ends the process at once.
// Redirected output (logs, CI) is read by programs and people scrolling back: no wrapping at 80 columns.
if (Console.IsOutputRedirected)
{
    Spectre.Console.AnsiConsole.Profile.Width = 240;
}

using var stop = new CancellationTokenSource();
bool terminated = false;
void Stop(PosixSignalContext context)
{
    if (!stop.IsCancellationRequested)
    {
        context.Cancel = true;
        terminated = context.Signal == PosixSignal.SIGTERM;
        Console.Error.WriteLine($"stopping ({(terminated ? "SIGTERM" : "Ctrl-C")}): cancelling and writing the finished rounds (send it again to quit now)");
        stop.Cancel();
    }
}
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
int code = await CliApp.InvokeAsync(args, stop);
code = code == ExitCodes.Cancelled && terminated ? ExitCodes.Terminated : code;
// Every command has written and closed its files and stopped its silo or connection by now: skip libtorch's exit-time
// teardown (0.15-0.2 s of every run).
FedOrleans.Models.Torch.TorchRuntime.ExitIfLoaded(code);
return code;
