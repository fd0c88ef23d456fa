using FedOrleans.Client.Cli;

// `fedorleans`: see `fedorleans --help`. The first Ctrl-C stops the experiment cleanly and keeps
// every finished round; a second one ends the process at once.
// Redirected output (logs, CI) is read by programs and people scrolling back: no wrapping at 80 columns.
if (Console.IsOutputRedirected)
{
    Spectre.Console.AnsiConsole.Profile.Width = 240;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    if (!stop.IsCancellationRequested)
    {
        e.Cancel = true;
        Console.Error.WriteLine("stopping: cancelling the experiment and writing the finished rounds (Ctrl-C again to quit now)");
        stop.Cancel();
    }
};
return await CliApp.InvokeAsync(args, stop);
