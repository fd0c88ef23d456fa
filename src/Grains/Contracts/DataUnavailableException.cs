namespace FedOrleans.Contracts;

/// <summary>
/// A silo could not fetch or read the data an experiment or job needs (missing, truncated, wrong content, a checkpoint
/// that is not there). The message names the file and the fix; the console exits with code 4.
/// </summary>
[GenerateSerializer, Alias("fedorleans.DataUnavailable")]
public sealed class DataUnavailableException(string message) : Exception(message);
