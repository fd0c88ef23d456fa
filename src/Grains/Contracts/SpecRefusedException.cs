namespace FedOrleans.Contracts;

/// <summary>
/// The cluster refused a spec, a setting or an argument (every error of a spec, with its path; an impossible partition;
/// a GPU the cluster does not have). Bad input, never a bug: the console exits with code 2. One of the cluster's
/// refusals (<see cref="Refusals"/>); any other exception from a grain is a bug and shows as one.
/// </summary>
[GenerateSerializer, Alias("fedorleans.SpecRefused")]
public sealed class SpecRefusedException(string message) : Exception(message);
