namespace FedOrleans.Models.Data.Partitioning;

/// <summary>A partition cannot be made with the given settings; the message says which setting to change.</summary>
public sealed class PartitionException(string message) : Exception(message);
