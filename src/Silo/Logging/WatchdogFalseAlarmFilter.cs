using System.Diagnostics;

namespace FedOrleans.Silo.Logging;

/// <summary>
/// Drops one false alarm of Orleans' watchdog. Its platform thread starts before <c>Watchdog.Start</c> has
/// stamped the component check, so on a busy machine the first check can report "Participant check thread
/// has not completed for" the time since the machine booted. A stall longer than this process has lived
/// cannot be real; every other watchdog warning passes through.
/// </summary>
public sealed class WatchdogFalseAlarmFilter(ILoggerProvider inner) : ILoggerProvider
{
    private const string Category = "Orleans.Runtime.Watchdog";

    private static readonly DateTime ProcessStart = Process.GetCurrentProcess().StartTime.ToUniversalTime();

    public ILogger CreateLogger(string categoryName) =>
        categoryName == Category ? new Filtering(inner.CreateLogger(categoryName)) : inner.CreateLogger(categoryName);

    public void Dispose() => inner.Dispose();

    /// <summary>Wraps every logger provider registered so far (call after adding them).</summary>
    public static void Apply(ILoggingBuilder logging)
    {
        var services = logging.Services;
        for (int i = 0; i < services.Count; i++)
        {
            var descriptor = services[i];
            if (descriptor.ServiceType == typeof(ILoggerProvider) && !descriptor.IsKeyedService)
            {
                services[i] = ServiceDescriptor.Singleton<ILoggerProvider>(sp => new WatchdogFalseAlarmFilter(
                    descriptor.ImplementationInstance as ILoggerProvider
                    ?? descriptor.ImplementationFactory?.Invoke(sp) as ILoggerProvider
                    ?? (ILoggerProvider)ActivatorUtilities.CreateInstance(sp, descriptor.ImplementationType!)));
            }
        }
    }

    /// <summary>True for the watchdog's "not completed for T" warning with T longer than this process has run.</summary>
    public static bool IsFalseAlarm<TState>(TState state) =>
        state is IReadOnlyList<KeyValuePair<string, object?>> values
        && values.Any(v => v.Value is TimeSpan stalled && stalled > DateTime.UtcNow - ProcessStart)
        && values.Any(v => v.Key == "{OriginalFormat}" && v.Value is string format && format.Contains("has not completed", StringComparison.Ordinal));

    private sealed class Filtering(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsFalseAlarm(state))
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
