using System.CommandLine;

namespace FedOrleans.Client.Cli;

/// <summary>The <c>fedorleans</c> command tree.</summary>
public static class CliApp
{
    public static RootCommand Create(CancellationToken stop)
    {
        var root = new RootCommand("FedOrleans: federated-learning simulation on Microsoft Orleans")
        {
            RunCommand.Create(stop),
            TuneCommand.Create(stop),
            DataCommands.Create(stop),
            EvalCommands.Create(stop),
            SpecCommands.Create(),
        };
        foreach (var command in JobCommands.Create(stop))
        {
            root.Subcommands.Add(command);
        }
        foreach (var command in ClusterCommands.Create(stop))
        {
            root.Subcommands.Add(command);
        }
        return root;
    }

    /// <summary>Runs the console; the first Ctrl-C cancels <paramref name="stop"/>'s source gracefully.</summary>
    public static async Task<int> InvokeAsync(string[] args, CancellationTokenSource stop)
    {
        var parse = Create(stop.Token).Parse(args);
        if (parse.Errors.Count > 0)
        {
            // Bad arguments are bad input (exit 2), the same as a bad spec; System.CommandLine would exit 1.
            foreach (var error in parse.Errors)
            {
                ConsoleOutput.Error(error.Message);
            }
            var path = new List<string>();
            for (var result = parse.CommandResult; result.Command is not RootCommand && result.Parent is System.CommandLine.Parsing.CommandResult parent; result = parent)
            {
                path.Insert(0, result.Command.Name);
            }
            Console.Error.WriteLine($"usage: {string.Join(' ', ["fedorleans", .. path, "--help"])}");
            return ExitCodes.BadInput;
        }
        return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }
}
