namespace FedOrleans.Client.Results;

/// <summary>How long a run took as the console saw it: its wall time (start to end of the rounds), and for the process's
/// first run the start-up before it (process start to the experiment's first round), or null.</summary>
public sealed record RunTiming(double WallSeconds, double? StartupSeconds);
