namespace FedOrleans.Contracts;

/// <summary>Provider, stream and meter names, in one place.</summary>
public static class FedOrleansNames
{
    /// <summary>Grain storage for experiment and client state.</summary>
    public const string StateStorage = "fedorleans";

    /// <summary>The storage Orleans' stream pub-sub needs for explicit subscriptions.</summary>
    public const string PubSubStorage = "PubSubStore";

    /// <summary>The stream provider that carries experiment progress.</summary>
    public const string StreamProvider = "fedorleans-streams";

    /// <summary>Stream namespace of experiment progress; the stream key is the experiment id.</summary>
    public const string ProgressNamespace = "experiment-progress";

    /// <summary>The reminder that revives a running experiment whose grain was deactivated or whose silo died.</summary>
    public const string ResumeReminder = "resume";

    /// <summary>The OpenTelemetry meter of FedOrleans' own metrics.</summary>
    public const string Meter = "FedOrleans";
}
