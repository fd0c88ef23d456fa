namespace FedOrleans.Contracts;

/// <summary>Asked about an experiment, job or study that was never started on this cluster. The console exits with code 2.</summary>
[GenerateSerializer, Alias("fedorleans.NotFound")]
public sealed class NotFoundException(string message) : Exception(message);
