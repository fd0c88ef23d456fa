namespace FedOrleans.Contracts;

/// <summary>An experiment, job or study id that another run already uses; the message says how to choose another. The console exits with code 2.</summary>
[GenerateSerializer, Alias("fedorleans.IdInUse")]
public sealed class IdInUseException(string message) : Exception(message);
