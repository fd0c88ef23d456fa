using System.Globalization;

namespace FedOrleans.Silo.Logging;

/// <summary>
/// Writes every log record to one file, a line per record (exceptions follow, indented). The console's
/// embedded silo logs here instead of to the terminal, so that a run prints its progress and table and
/// nothing else; the file is there when something needs explaining.
/// </summary>
public sealed class FileLoggerProvider : ILoggerProvider
{
    private readonly StreamWriter _writer;
    private readonly Lock _lock = new();

    public FileLoggerProvider(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        FilePath = path;
    }

    /// <summary>The file written to.</summary>
    public string FilePath { get; }

    public ILogger CreateLogger(string categoryName) => new FileLogger(this, categoryName);

    public void Dispose()
    {
        lock (_lock)
        {
            _writer.Dispose();
        }
    }

    private void Write(string line)
    {
        lock (_lock)
        {
            try
            {
                _writer.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // A record that arrives after the host has shut down has nowhere to go.
            }
        }
    }

    private sealed class FileLogger(FileLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }
            var text = $"{DateTime.UtcNow.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)} {logLevel} {category}[{eventId.Id}] {formatter(state, exception)}";
            if (exception is not null)
            {
                text += Environment.NewLine + "    " + exception.ToString().Replace("\n", "\n    ", StringComparison.Ordinal);
            }
            owner.Write(text);
        }
    }
}
