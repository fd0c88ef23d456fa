namespace FedOrleans.Contracts;

/// <summary>
/// The cluster refused a spec or a setting (every error of a spec, with its path; an impossible partition).
/// Bad input, never a bug: the console exits with code 2. An <see cref="ArgumentException"/>, so callers that
/// treat bad arguments alike need no change.
/// </summary>
[GenerateSerializer, Alias("fedorleans.SpecRefused")]
public sealed class SpecRefusedException(string message) : ArgumentException(message);
