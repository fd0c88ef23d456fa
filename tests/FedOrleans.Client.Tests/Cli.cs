using System.Diagnostics;
using System.Text;

namespace FedOrleans.Client.Tests;

/// <summary>Runs the real <c>fedorleans</c> console (from its own build output, as a user runs it) and silo (from the test
/// output folder) as child processes.</summary>
public static class Cli
{
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(4);

    public static string Folder => AppContext.BaseDirectory;

    /// <summary>The console's executable in src/Client's output for this build's configuration: in Release it is a
    /// self-contained program (its runtime precompiled with it), which cannot run from another project's folder.</summary>
    public static string ConsoleExecutable => Path.Combine(RepositoryRoot, "src", "Client", "bin",
        Path.GetRelativePath(Path.Combine(RepositoryRoot, "tests", "FedOrleans.Client.Tests", "bin"), Folder), "fedorleans");

    /// <summary>The checkout this test assembly was built from (the folder of FedOrleans.sln).</summary>
    public static string RepositoryRoot
    {
        get
        {
            var dir = AppContext.BaseDirectory;
            while (!File.Exists(Path.Combine(dir, "FedOrleans.sln")))
            {
                dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException($"no FedOrleans.sln above {AppContext.BaseDirectory}");
            }
            return dir;
        }
    }

    public sealed record Outcome(int ExitCode, string Output)
    {
        public override string ToString() => $"exit {ExitCode}:\n{Output}";
    }

    /// <summary>A running child process whose merged output is collected.</summary>
    public sealed class Running : IAsyncDisposable
    {
        private readonly StringBuilder _output = new();
        private readonly Process _process;

        /// <param name="program">An executable, or an assembly of the test output folder (<c>*.dll</c>, run with <c>dotnet</c>).</param>
        public Running(string program, IEnumerable<string> args, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
        {
            bool assembly = program.EndsWith(".dll", StringComparison.Ordinal);
            var psi = new ProcessStartInfo(assembly ? "dotnet" : program) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
            if (assembly)
            {
                psi.ArgumentList.Add(Path.Combine(Folder, program));
            }
            foreach (var a in args)
            {
                psi.ArgumentList.Add(a);
            }
            psi.Environment["NO_COLOR"] = "1";
            psi.Environment["COLUMNS"] = "200";
            foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            {
                psi.Environment[name] = value;
            }
            _process = Process.Start(psi)!;
            _process.OutputDataReceived += (_, e) => Append(e.Data);
            _process.ErrorDataReceived += (_, e) => Append(e.Data);
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public int Id => _process.Id;

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        /// <summary>Completes when a line containing <paramref name="text"/> has been printed.</summary>
        public Task WaitForOutputAsync(string text) => _seen.GetOrAdd(text, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

        public async Task<Outcome> WaitAsync(TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                throw new TimeoutException($"process did not exit within {timeout}; output so far:\n{Output}");
            }
            _process.WaitForExit();
            return new Outcome(_process.ExitCode, Output);
        }

        public void Signal(string signal)
        {
            using var kill = Process.Start("kill", ["-s", signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
            _process.Dispose();
        }

        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource> _seen = new();

        private void Append(string? line)
        {
            if (line is null)
            {
                return;
            }
            lock (_output)
            {
                _output.AppendLine(line);
            }
            foreach (var (text, signal) in _seen)
            {
                if (line.Contains(text, StringComparison.Ordinal))
                {
                    signal.TrySetResult();
                }
            }
        }
    }

    public static Running Start(string workingDirectory, params string[] args) => new(ConsoleExecutable, args, workingDirectory);

    /// <summary>Runs the console with extra environment variables (e.g. the TLS certificate).</summary>
    public static async Task<Outcome> RunWithEnvironmentAsync(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        await using var process = new Running(ConsoleExecutable, args, workingDirectory, environment);
        return await process.WaitAsync(Patience);
    }

    public static Running StartSilo(string workingDirectory, params string[] args) => new("FedOrleans.Silo.dll", args, workingDirectory);

    /// <summary>A silo process on free ports (localhost clustering unless <paramref name="extra"/> says otherwise), once it listens.</summary>
    public static async Task<(Running Silo, int Gateway, int Http)> StartReadySiloAsync(string workingDirectory, params string[] extra)
    {
        int gateway = Silo.Hosting.FedOrleansHost.FreeTcpPort();
        int http = Silo.Hosting.FedOrleansHost.FreeTcpPort();
        static string P(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var port = extra.Contains("--port") ? [] : new[] { "--port", P(Silo.Hosting.FedOrleansHost.FreeTcpPort()) };
        var silo = StartSilo(workingDirectory, [.. port, "--gateway-port", P(gateway), "--http-port", P(http), .. extra]);
        await silo.WaitForOutputAsync("silo ready").WaitAsync(Patience);
        return (silo, gateway, http);
    }

    public static async Task<Outcome> RunAsync(string workingDirectory, params string[] args)
    {
        await using var process = Start(workingDirectory, args);
        return await process.WaitAsync(Patience);
    }

    public static string TempFolder() => Directory.CreateTempSubdirectory("fedorleans-cli-").FullName;

    /// <summary>A small experiment: logistic regression on MNIST, 20 clients, 5 a round.</summary>
    public static string WriteSpec(string folder, string name, int rounds, string extra = "")
    {
        var path = Path.Combine(folder, $"{name}.yaml");
        File.WriteAllText(path, $"""
            name: {name}
            seed: 5
            rounds: {rounds}
            dataset: mnist
            federation: {"{"} clients: 20, partition: dirichlet, alpha: 0.5 {"}"}
            model: {"{"} kind: logistic {"}"}
            train: {"{"} epochs: 1, batch_size: 32, lr: 0.05 {"}"}
            strategy: {"{"} kind: fedavg, fraction_fit: 0.25, min_fit_clients: 5, min_results: 4 {"}"}
            {extra}
            """);
        return path;
    }
}
